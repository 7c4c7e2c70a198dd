"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Button, Card, FormAlert, TextField } from "@/components/ui";
import { apiErrorCode, type FormErrors } from "@/lib/api/errors";
import { useAction } from "@/lib/useAction";
import { AllauthUnlock, mapAllauthErrors } from "./AllauthUnlock";
import {
  AllauthSessionLost,
  activateTotp,
  addPasskey,
  deactivateTotp,
  getRecoveryCodes,
  isPasskey,
  listAuthenticators,
  passkeyCreationOptions,
  regenerateRecoveryCodes,
  removePasskey,
  startTotpSetup,
  type Authenticator,
  type RecoveryCodesAuthenticator,
  type TotpSetup,
} from "./allauth";
import { QrCode } from "./QrCode";
import { createPasskey, isCeremonyError, passkeysSupported } from "./webauthn";

/** The profile's MFA section: its id is the target of the "set up MFA" redirects (`/profile#mfa`). */
export const MFA_SECTION_ID = "mfa";

type View =
  | { name: "locked" }
  | { name: "overview" }
  | { name: "setup"; setup: TotpSetup }
  | { name: "passkey" }
  | { name: "codes"; codes: string[]; regenerated: boolean }
  | { name: "confirmOff" };

export interface MfaSettingsProps {
  email: string;
  organisation: string;
  /** The organisation requires MFA and this member has none yet: say so above everything else. */
  required?: boolean;
  /** After MFA was turned on or off (e.g. to reload `/me`). */
  onChanged?: () => void;
}

function recoveryFile(codes: string[], header: string): string {
  return `${header}\n\n${codes.join("\n")}\n`;
}

/**
 * MFA setup in the profile, through allauth's headless endpoints: unlock with the password (AllauthUnlock: an
 * allauth session, its token in this component's state only, plus allauth's reauthentication), then the status, TOTP setup
 * with a QR code, recovery codes to download or copy, regenerating them, turning MFA off.
 */
export function MfaSettings({ email, organisation, required = false, onChanged }: MfaSettingsProps) {
  const t = useTranslations("mfa");
  const format = useFormatter();
  const [view, setView] = useState<View>({ name: "locked" });
  // Memory only: the allauth session token lives as long as this component, never in web storage.
  const session = useRef<string | null>(null);
  const [code, setCode] = useState("");
  const [passkeyName, setPasskeyName] = useState("");
  // On by default: the same passkey then also signs in alone on this organisation's sign-in page.
  const [passkeyPasswordless, setPasskeyPasswordless] = useState(true);
  const [authenticators, setAuthenticators] = useState<Authenticator[]>([]);
  const [lockedNotice, setLockedNotice] = useState<string | null>(null);
  // Bumped on each lock: a fresh unlock form (the password step, the notice shown again).
  const [locks, setLocks] = useState(0);
  const [copyState, setCopyState] = useState<"copied" | "failed" | null>(null);

  // The failure being shown: useAction hands onError the mapped errors only, the codes are in the raw one.
  const lastError = useRef<unknown>(null);
  const { run, busy, errors, setErrors, notice, setNotice } = useAction({
    fields: ["code", "name"],
    onError: (formErrors: FormErrors) => {
      const error = lastError.current;
      const code = apiErrorCode(error);
      if (isCeremonyError(error)) {
        // Cancelled in the browser's passkey dialog (or it timed out): not a failure of ours.
        formErrors.fields = {};
        formErrors.general = [t("passkeyFailed")];
      } else if (view.name === "passkey" && (code === "incorrect_code" || code === "invalid_code")) {
        formErrors.fields = {};
        formErrors.general = [t("passkeyFailed")];
      } else {
        mapAllauthErrors(formErrors, code, t);
      }
    },
  });

  /** Runs an allauth call; a lost session (expired, or reauthentication too old) locks the section again. */
  function act(action: () => Promise<unknown>) {
    return run(async () => {
      try {
        await action();
      } catch (error) {
        if (error instanceof AllauthSessionLost) {
          lock();
          return;
        }
        lastError.current = error;
        throw error;
      }
    });
  }

  function lock() {
    session.current = null;
    setAuthenticators([]);
    setCode("");
    setLockedNotice(t("sessionLost"));
    setLocks((n) => n + 1);
    setView({ name: "locked" });
  }

  async function showOverview() {
    setAuthenticators(await listAuthenticators(session.current!));
    setView({ name: "overview" });
  }

  async function unlocked(sessionToken: string) {
    session.current = sessionToken;
    try {
      await showOverview();
    } catch (error) {
      // Gone as soon as it was opened: locked again, as for any other call (act).
      if (!(error instanceof AllauthSessionLost)) throw error;
      lock();
    }
  }

  function beginSetup() {
    void act(async () => {
      const setup = await startTotpSetup(session.current!);
      if (setup) {
        setCode("");
        setView({ name: "setup", setup });
      } else {
        await showOverview(); // set up meanwhile (another tab)
      }
    });
  }

  function activate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void act(async () => {
      await activateTotp(session.current!, code.replace(/\s+/g, ""));
      setCode("");
      onChanged?.();
      // allauth made recovery codes along with TOTP: shown once, now.
      const codes = await getRecoveryCodes(session.current!);
      setAuthenticators(await listAuthenticators(session.current!));
      setNotice(t("activated"));
      setView({ name: "codes", codes, regenerated: false });
    });
  }

  function beginPasskey() {
    setErrors(null);
    setNotice(null);
    setPasskeyName("");
    setPasskeyPasswordless(true);
    setView({ name: "passkey" });
  }

  function createNewPasskey(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void act(async () => {
      const options = await passkeyCreationOptions(session.current!, passkeyPasswordless);
      // The browser's own dialog: the person confirms with a fingerprint, face, screen lock or security key.
      const credential = await createPasskey(options);
      const { recoveryCodesGenerated } = await addPasskey(session.current!, passkeyName.trim(), credential, passkeyPasswordless);
      onChanged?.();
      setNotice(t("passkeyAdded"));
      if (recoveryCodesGenerated) {
        // allauth made recovery codes along with the first passkey: shown once, now.
        const codes = await getRecoveryCodes(session.current!);
        setAuthenticators(await listAuthenticators(session.current!));
        setView({ name: "codes", codes, regenerated: false });
        return;
      }
      await showOverview();
    });
  }

  function deletePasskey(id: number) {
    void act(async () => {
      await removePasskey(session.current!, id);
      await showOverview();
      onChanged?.();
      setNotice(t("passkeyRemoved"));
    });
  }

  function regenerate() {
    void act(async () => {
      const codes = await regenerateRecoveryCodes(session.current!);
      setAuthenticators(await listAuthenticators(session.current!));
      setView({ name: "codes", codes, regenerated: true });
    });
  }

  function turnOff() {
    void act(async () => {
      await deactivateTotp(session.current!);
      // With a passkey left, MFA stays on: only the authenticator app is gone.
      const stillOn = authenticators.some(isPasskey);
      await showOverview();
      onChanged?.();
      setNotice(stillOn ? t("totpRemoved") : t("turnedOff"));
    });
  }

  const header = t("fileHeader", { email, organisation });

  function download(codes: string[]) {
    const url = URL.createObjectURL(new Blob([recoveryFile(codes, header)], { type: "text/plain;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `recovery-codes-${organisation}.txt`.replace(/[^\w.-]+/g, "-");
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  async function copy(codes: string[]) {
    try {
      await navigator.clipboard.writeText(recoveryFile(codes, header));
      setCopyState("copied");
    } catch {
      setCopyState("failed");
    }
  }

  const totp = authenticators.find((a) => a.type === "totp");
  const recovery = authenticators.find((a): a is RecoveryCodesAuthenticator => a.type === "recovery_codes");
  const passkeys = authenticators.filter(isPasskey);
  const enabled = !!totp || passkeys.length > 0;
  const codeField = (label: string) => (
    <TextField
      label={label}
      name="code"
      type="text"
      inputMode="numeric"
      autoComplete="one-time-code"
      autoCapitalize="none"
      spellCheck={false}
      required
      value={code}
      onChange={(e) => setCode(e.target.value)}
      errors={errors?.fields.code}
    />
  );

  return (
    <Card title={<span id={MFA_SECTION_ID}>{t("title")}</span>}>
      <div className="space-y-4">
        {required && <Alert tone="warning">{t("requiredBanner", { organisation })}</Alert>}
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
        {notice && <Alert tone="success">{notice}</Alert>}

        {view.name === "locked" && (
          <AllauthUnlock key={locks} email={email} label={t("title")} text={t("unlockText")} notice={lockedNotice} onUnlocked={unlocked} />
        )}

        {view.name === "overview" && (
          <>
            <FormAlert errors={errors} />
            <dl className="divide-y divide-slate-100 dark:divide-slate-800">
              <div className="grid grid-cols-3 gap-4 py-2">
                <dt className="text-sm text-slate-600 dark:text-slate-400">{t("status")}</dt>
                <dd className="col-span-2 text-sm font-medium text-slate-900 dark:text-slate-100" data-testid="mfa-status">
                  {enabled ? t("on") : t("off")}
                </dd>
              </div>
              <div className="grid grid-cols-3 gap-4 py-2">
                <dt className="text-sm text-slate-600 dark:text-slate-400">{t("methods")}</dt>
                <dd className="col-span-2 text-sm text-slate-900 dark:text-slate-100">
                  {totp || recovery || passkeys.length > 0 ? (
                    <ul className="space-y-1">
                      {totp && (
                        <li>{t("methodTotp", { date: format.dateTime(new Date(totp.created_at * 1000), { dateStyle: "medium" }) })}</li>
                      )}
                      {recovery && (
                        <li>{t("methodRecovery", { unused: recovery.unused_code_count, total: recovery.total_code_count })}</li>
                      )}
                    </ul>
                  ) : (
                    t("noMethods")
                  )}
                </dd>
              </div>
              <div className="grid grid-cols-3 gap-4 py-2">
                <dt className="text-sm text-slate-600 dark:text-slate-400">{t("passkeys")}</dt>
                <dd className="col-span-2 text-sm text-slate-900 dark:text-slate-100">
                  {passkeys.length > 0 ? (
                    <ul aria-label={t("passkeys")} className="space-y-1">
                      {passkeys.map((passkey) => (
                        <li key={passkey.id} className="flex flex-wrap items-center justify-between gap-2">
                          <span>
                            {t("passkeyItem", {
                              name: passkey.name,
                              date: format.dateTime(new Date(passkey.created_at * 1000), { dateStyle: "medium" }),
                            })}
                            {passkey.is_passwordless && <span className="text-slate-600"> · {t("passkeyPasswordlessBadge")}</span>}
                          </span>
                          <Button
                            variant="ghost"
                            disabled={busy}
                            aria-label={t("removePasskey", { name: passkey.name })}
                            onClick={() => deletePasskey(passkey.id)}
                          >
                            {t("remove")}
                          </Button>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    t("noMethods")
                  )}
                </dd>
              </div>
            </dl>
            <div className="flex flex-wrap gap-2">
              {!totp && (
                <Button loading={busy} onClick={beginSetup}>
                  {t("setUp")}
                </Button>
              )}
              {passkeysSupported() && (
                <Button variant="secondary" disabled={busy} onClick={beginPasskey}>
                  {t("addPasskey")}
                </Button>
              )}
              {recovery && (
                <Button variant="secondary" loading={busy} onClick={regenerate}>
                  {t("regenerate")}
                </Button>
              )}
              {totp && (
                <>
                  <Button
                    variant="danger"
                    disabled={busy}
                    onClick={() => {
                      setNotice(null);
                      setErrors(null);
                      setView({ name: "confirmOff" });
                    }}
                  >
                    {passkeys.length > 0 ? t("removeTotp") : t("turnOff")}
                  </Button>
                </>
              )}
            </div>
          </>
        )}

        {view.name === "setup" && (
          <form onSubmit={activate} noValidate aria-label={t("setUp")} className="space-y-4">
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("scan")}</p>
            <QrCode value={view.setup.totpUrl} label={t("qrLabel")} />
            <div className="space-y-1">
              <p className="text-sm text-slate-600 dark:text-slate-400">{t("manualEntry")}</p>
              <p className="text-sm">
                <span className="sr-only">{t("secret")}: </span>
                <code data-testid="totp-secret" className="rounded bg-slate-100 px-2 py-1 font-mono tracking-wider break-all select-all dark:bg-slate-800">
                  {view.setup.secret}
                </code>
              </p>
            </div>
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("confirmText")}</p>
            <FormAlert errors={errors} />
            {codeField(t("codeLabel"))}
            <div className="flex gap-2">
              <Button type="submit" loading={busy} disabled={code.trim() === ""}>
                {t("activate")}
              </Button>
              <Button
                variant="ghost"
                onClick={() => {
                  setErrors(null);
                  setView({ name: "overview" });
                }}
              >
                {t("cancel")}
              </Button>
            </div>
          </form>
        )}

        {view.name === "passkey" && (
          <form onSubmit={createNewPasskey} noValidate aria-label={t("addPasskey")} className="space-y-4">
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("passkeyText")}</p>
            <FormAlert errors={errors} />
            <TextField
              label={t("passkeyName")}
              name="name"
              type="text"
              maxLength={100}
              placeholder={t("passkeyNamePlaceholder")}
              value={passkeyName}
              onChange={(e) => setPasskeyName(e.target.value)}
              errors={errors?.fields.name}
            />
            <label className="flex items-start gap-3">
              <input
                type="checkbox"
                name="passwordless"
                checked={passkeyPasswordless}
                onChange={(e) => setPasskeyPasswordless(e.target.checked)}
                className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
              />
              <span>
                <span className="block text-sm font-medium text-slate-900">{t("passkeyPasswordless")}</span>
                <span className="block text-sm text-slate-600">{t("passkeyPasswordlessHint")}</span>
              </span>
            </label>
            <div className="flex gap-2">
              <Button type="submit" loading={busy}>
                {t("passkeyCreate")}
              </Button>
              <Button
                variant="ghost"
                onClick={() => {
                  setErrors(null);
                  setView({ name: "overview" });
                }}
              >
                {t("cancel")}
              </Button>
            </div>
          </form>
        )}

        {view.name === "codes" && (
          <section aria-labelledby="mfa-codes-title" className="space-y-3">
            <h3 id="mfa-codes-title" className="text-base font-semibold text-slate-900 dark:text-slate-100">
              {t("recoveryTitle")}
            </h3>
            {view.regenerated && <Alert tone="info">{t("regenerated")}</Alert>}
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("recoveryText")}</p>
            <ul aria-label={t("recoveryCodes")} className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-4 font-mono text-sm sm:grid-cols-3 dark:bg-slate-800">
              {view.codes.map((recoveryCode) => (
                <li key={recoveryCode}>{recoveryCode}</li>
              ))}
            </ul>
            {copyState && <Alert tone={copyState === "copied" ? "success" : "error"}>{t(copyState === "copied" ? "copied" : "copyFailed")}</Alert>}
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => download(view.codes)}>
                {t("download")}
              </Button>
              <Button variant="secondary" onClick={() => void copy(view.codes)}>
                {t("copy")}
              </Button>
              <Button
                onClick={() => {
                  setCopyState(null);
                  setNotice(null);
                  setView({ name: "overview" });
                }}
              >
                {t("done")}
              </Button>
            </div>
          </section>
        )}

        {view.name === "confirmOff" && (
          <div className="space-y-3">
            <Alert tone="warning">{t("turnOffConfirm")}</Alert>
            <FormAlert errors={errors} />
            <div className="flex gap-2">
              <Button variant="danger" loading={busy} onClick={turnOff}>
                {t("turnOffYes")}
              </Button>
              <Button variant="ghost" onClick={() => setView({ name: "overview" })}>
                {t("cancel")}
              </Button>
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}
