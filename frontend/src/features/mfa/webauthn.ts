/**
 * WebAuthn (passkeys) in the browser: the JSON the backend speaks (base64url strings, fido2's JSON mapping:
 * `{publicKey: {...}}`) to the ArrayBuffers navigator.credentials wants, and the credential it returns back
 * to JSON with exactly the fields fido2 reads (id, rawId, type, response, clientExtensionResults).
 */

/** base64url (no padding) -> bytes. */
export function fromBase64url(value: string): ArrayBuffer {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(value.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** bytes -> base64url (no padding). */
export function toBase64url(value: ArrayBuffer | ArrayBufferView): string {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

interface JsonDescriptor {
  type: string;
  id: string;
  transports?: string[];
}

/** What the backend sends: WebAuthn options with base64url in place of buffers. */
export interface CreationOptionsJson {
  publicKey: Record<string, unknown> & {
    challenge: string;
    user: { id: string; name: string; displayName: string };
    excludeCredentials?: JsonDescriptor[];
  };
}

export interface RequestOptionsJson {
  publicKey: Record<string, unknown> & { challenge: string; allowCredentials?: JsonDescriptor[] };
}

function descriptors(list: JsonDescriptor[] | undefined): PublicKeyCredentialDescriptor[] | undefined {
  return list?.map((d) => ({ ...d, type: "public-key", id: fromBase64url(d.id) }) as PublicKeyCredentialDescriptor);
}

export function creationOptions(json: CreationOptionsJson): PublicKeyCredentialCreationOptions {
  const { publicKey } = json;
  return {
    ...(publicKey as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromBase64url(publicKey.challenge),
    user: { ...publicKey.user, id: fromBase64url(publicKey.user.id) },
    excludeCredentials: descriptors(publicKey.excludeCredentials),
  };
}

export function requestOptions(json: RequestOptionsJson): PublicKeyCredentialRequestOptions {
  const { publicKey } = json;
  return {
    ...(publicKey as unknown as PublicKeyCredentialRequestOptions),
    challenge: fromBase64url(publicKey.challenge),
    allowCredentials: descriptors(publicKey.allowCredentials),
  };
}

export type CredentialJson = {
  id: string;
  rawId: string;
  type: string;
  response: Record<string, string>;
  clientExtensionResults: AuthenticationExtensionsClientOutputs;
  authenticatorAttachment?: string;
};

/** A credential of navigator.credentials.create() (attestation) or .get() (assertion) as JSON. */
export function credentialJson(credential: PublicKeyCredential): CredentialJson {
  const response = credential.response;
  const body: Record<string, string> = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if ("attestationObject" in response) {
    body.attestationObject = toBase64url((response as AuthenticatorAttestationResponse).attestationObject);
  } else {
    const assertion = response as AuthenticatorAssertionResponse;
    body.authenticatorData = toBase64url(assertion.authenticatorData);
    body.signature = toBase64url(assertion.signature);
    if (assertion.userHandle) body.userHandle = toBase64url(assertion.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: body,
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
  };
}

/** The browser can make and use passkeys at all (a secure context with WebAuthn). */
export function passkeysSupported(): boolean {
  return typeof window !== "undefined" && typeof window.PublicKeyCredential === "function" && !!navigator.credentials;
}

/** A ceremony the person cancelled, or the browser refused (no matching passkey, timeout): not an API error. */
export function isCeremonyError(error: unknown): boolean {
  return error instanceof DOMException && ["NotAllowedError", "AbortError", "InvalidStateError", "SecurityError"].includes(error.name);
}

export async function createPasskey(json: CreationOptionsJson): Promise<CredentialJson> {
  const credential = (await navigator.credentials.create({ publicKey: creationOptions(json) })) as PublicKeyCredential | null;
  if (!credential) throw new DOMException("No credential", "NotAllowedError");
  return credentialJson(credential);
}

export async function getPasskey(json: RequestOptionsJson): Promise<CredentialJson> {
  const credential = (await navigator.credentials.get({ publicKey: requestOptions(json) })) as PublicKeyCredential | null;
  if (!credential) throw new DOMException("No credential", "NotAllowedError");
  return credentialJson(credential);
}
