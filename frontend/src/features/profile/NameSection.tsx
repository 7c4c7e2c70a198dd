"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, FormAlert, TextField } from "@/components/ui";
import type { Me } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { updateMe } from "./api";

/** Your name as your organisations see it; the answer is the new `/me`, put in the cache for the header. */
export function NameSection({ me }: { me: Me }) {
  const t = useTranslations("profile");
  const queryClient = useQueryClient();
  const [name, setName] = useState(me.fullName ?? "");
  const { run, busy, errors, notice, setNotice } = useAction({ fields: ["fullName"] });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const updated = await updateMe({ fullName: name });
      queryClient.setQueryData<Me>(["me"], updated);
      setName(updated.fullName ?? "");
      setNotice(t("nameSaved"));
    });
  }

  return (
    <Card title={t("nameTitle")}>
      <form onSubmit={submit} noValidate aria-label={t("nameTitle")} className="space-y-4">
        {notice && <Alert tone="success">{notice}</Alert>}
        <FormAlert errors={errors} />
        <TextField
          label={t("name")}
          name="fullName"
          autoComplete="name"
          maxLength={200}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          errors={errors?.fields.fullName}
        />
        <Button type="submit" loading={busy} disabled={name.trim() === "" || name.trim() === (me.fullName ?? "")}>
          {t("save")}
        </Button>
      </form>
    </Card>
  );
}
