"use client";

import { useState, type ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { MethodForm, type MethodFormProps } from "./method-form";
import { TurnOffCard } from "./turn-off-card";

/**
 * The Connection tab's cards: the method form, the item poll (rendered by the page) and the danger
 * zone. When the saved method becomes Off (the danger zone, or another admin), the method form starts
 * again, so its choice follows the saved configuration (no method picked) instead of the one it
 * showed before; saving a method keeps the form, with its "Saved" message.
 */
export function ConnectionSections({ form, itemPoll, turnOff }: { form: MethodFormProps; itemPoll: ReactNode; turnOff: { method: string } | null }) {
  const [formKey, setFormKey] = useState(0);
  const [savedMethod, setSavedMethod] = useState(form.method);
  if (savedMethod !== form.method) {
    // Adjusting state to a changed prop during render (React's documented pattern, no effect).
    setSavedMethod(form.method);
    if (form.method === "off") setFormKey((k) => k + 1);
  }
  return (
    <div className="space-y-6">
      <Card id="integration-method" title="Integration method" description="Choose how cartlink talks to ONTRAPORT, complete the fields for that method, and save.">
        <MethodForm key={formKey} {...form} />
      </Card>
      {itemPoll}
      {turnOff && <TurnOffCard method={turnOff.method} />}
    </div>
  );
}
