import { describe, expect, it } from "vitest";
import { creationOptions, credentialJson, fromBase64url, isCeremonyError, requestOptions, toBase64url } from "./webauthn";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("base64url", () => {
  it("round-trips bytes without padding, with - and _", () => {
    const raw = bytes(0xfb, 0xff, 0xbf, 0x00, 0x01);
    expect(toBase64url(raw)).toBe("-_-_AAE");
    expect(new Uint8Array(fromBase64url("-_-_AAE"))).toEqual(raw);
    expect(toBase64url(fromBase64url(""))).toBe("");
  });
});

describe("options from the backend's JSON", () => {
  it("turns the creation options' challenge, user id and excluded credentials into buffers", () => {
    const options = creationOptions({
      publicKey: {
        rp: { id: "acme.localhost", name: "Acme" },
        challenge: "AAEC",
        user: { id: "Mw", name: "a@b.test", displayName: "A" },
        pubKeyCredParams: [{ type: "public-key", alg: -7 }],
        excludeCredentials: [{ type: "public-key", id: "BAU" }],
      },
    });
    expect(new Uint8Array(options.challenge as ArrayBuffer)).toEqual(bytes(0, 1, 2));
    expect(new Uint8Array(options.user.id as ArrayBuffer)).toEqual(bytes(0x33));
    expect(options.user.name).toBe("a@b.test");
    expect(options.rp).toEqual({ id: "acme.localhost", name: "Acme" });
    expect(new Uint8Array(options.excludeCredentials![0]!.id as ArrayBuffer)).toEqual(bytes(4, 5));
  });

  it("turns the request options' challenge and allowed credentials into buffers", () => {
    const options = requestOptions({
      publicKey: { challenge: "AAEC", rpId: "acme.localhost", allowCredentials: [{ type: "public-key", id: "BAU" }], userVerification: "preferred" },
    });
    expect(new Uint8Array(options.challenge as ArrayBuffer)).toEqual(bytes(0, 1, 2));
    expect(options.rpId).toBe("acme.localhost");
    expect(options.userVerification).toBe("preferred");
    expect(new Uint8Array(options.allowCredentials![0]!.id as ArrayBuffer)).toEqual(bytes(4, 5));
  });
});

describe("credential to JSON", () => {
  it("an assertion: the fields fido2 reads, base64url", () => {
    const credential = {
      id: "BAU",
      rawId: bytes(4, 5).buffer,
      type: "public-key",
      authenticatorAttachment: "platform",
      response: { clientDataJSON: bytes(1).buffer, authenticatorData: bytes(2).buffer, signature: bytes(3).buffer, userHandle: bytes(0x33).buffer },
      getClientExtensionResults: () => ({}),
    } as unknown as PublicKeyCredential;
    expect(credentialJson(credential)).toEqual({
      id: "BAU",
      rawId: "BAU",
      type: "public-key",
      authenticatorAttachment: "platform",
      response: { clientDataJSON: "AQ", authenticatorData: "Ag", signature: "Aw", userHandle: "Mw" },
      clientExtensionResults: {},
    });
  });

  it("an attestation: clientDataJSON and attestationObject, with the extension results", () => {
    const credential = {
      id: "BAU",
      rawId: bytes(4, 5).buffer,
      type: "public-key",
      authenticatorAttachment: null,
      response: { clientDataJSON: bytes(1).buffer, attestationObject: bytes(9).buffer },
      getClientExtensionResults: () => ({ credProps: { rk: true } }),
    } as unknown as PublicKeyCredential;
    expect(credentialJson(credential)).toEqual({
      id: "BAU",
      rawId: "BAU",
      type: "public-key",
      response: { clientDataJSON: "AQ", attestationObject: "CQ" },
      clientExtensionResults: { credProps: { rk: true } },
    });
  });
});

it("a cancelled or refused ceremony is told apart from API errors", () => {
  expect(isCeremonyError(new DOMException("cancelled", "NotAllowedError"))).toBe(true);
  expect(isCeremonyError(new DOMException("bad", "SyntaxError"))).toBe(false);
  expect(isCeremonyError(new Error("NotAllowedError"))).toBe(false);
});
