"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";
import { Alert, Button, Card, FormAlert, TextField } from "@/components/ui";
import { PasswordRules } from "@/features/signup/PasswordRules";
import { useAction } from "@/lib/useAction";
import { changePassword } from "./api";

/** A new password in the app: the current one first; the account's other sessions end, this one stays. */
export function PasswordSection({ email }: { email: string }) {
  const t = useTranslations("profile");
  const rulesId = useId();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const { run, busy, errors, notice, setNotice } = useAction({ fields: ["currentPassword", "newPassword"] });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      await changePassword({ currentPassword: current, newPassword: next });
      setCurrent("");
      setNext("");
      setNotice(t("passwordChanged"));
    });
  }

  return (
    <Card title={t("changePassword")}>
      <form onSubmit={submit} noValidate aria-label={t("changePassword")} className="space-y-4">
        {notice && <Alert tone="success">{notice}</Alert>}
        <FormAlert errors={errors} />
        <TextField
          label={t("currentPassword")}
          type="password"
          name="currentPassword"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          errors={errors?.fields.currentPassword}
        />
        <TextField
          label={t("newPassword")}
          type="password"
          name="newPassword"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
          errors={errors?.fields.newPassword}
          statusId={rulesId}
          status={<PasswordRules id={rulesId} password={next} email={email} />}
        />
        <Button type="submit" loading={busy} disabled={current === "" || next === ""}>
          {t("changePasswordSubmit")}
        </Button>
      </form>
    </Card>
  );
}
