"use client";

import { useRef, useState, useTransition } from "react";
import { toast } from "sonner";
import { ErrorSummary } from "@/components/ui/error-summary";
import { Button } from "@/components/ui/button";
import { FormMessage, SelectField, TextField } from "@/components/ui/field";
import { Badge } from "@/components/ui/badge";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { ActionsTh, Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { useFormAction } from "@/components/ui/use-form-action";
import { addUser, changeUser, saveStaffPermissions } from "./actions";

interface Row {
  id: string;
  email: string;
  name: string;
  role: "admin" | "support";
  disabled: boolean;
}

export function AddUserForm() {
  const { state, formAction, pending, values: v, errors: f, formKey } = useFormAction(addUser);
  return (
    <form action={formAction} className="grid gap-4 sm:grid-cols-2" noValidate key={formKey}>
      <div className="sm:col-span-2">
        <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
        <FormMessage message={state.message} />
      </div>
      <TextField label="Email" name="email" type="email" defaultValue={v.email} error={f.email} required />
      <TextField label="Name" name="name" defaultValue={v.name} error={f.name} required />
      <SelectField label="Role" name="role" defaultValue={v.role ?? "support"} error={f.role} help="Admins configure the store and integrations; support reviews orders, reads the Transmission Log and resends.">
        <option value="support">Support</option>
        <option value="admin">Admin</option>
      </SelectField>
      <TextField label="Initial password" name="password" type="password" autoComplete="new-password" error={f.password} help="At least 10 characters. Share it with the person privately." required />
      <div className="sm:col-span-2">
        <Button type="submit" pending={pending}>
          Add user
        </Button>
      </div>
    </form>
  );
}

/** Store-wide permissions of support users (admins only; the page is admin-only). */
export function StaffPermissionsForm({ supportMayRefund }: { supportMayRefund: boolean }) {
  const { state, formAction, pending } = useFormAction(saveStaffPermissions);
  // After a failed save, show what the admin ticked; otherwise what is saved.
  const checked = state.values ? state.values.supportMayRefund === "on" : supportMayRefund;
  return (
    <form action={formAction} className="space-y-4" noValidate key={String(supportMayRefund)}>
      <ErrorSummary error={state.error} fieldErrors={state.fieldErrors} answer={state} />
      <FormMessage message={state.message} />
      <div className="flex items-start gap-3">
        <input
          type="checkbox"
          id="support-may-refund"
          name="supportMayRefund"
          defaultChecked={checked}
          aria-describedby="support-may-refund-help"
          className="mt-0.5 size-4 accent-[var(--color-accent-600)]"
        />
        <div>
          <label htmlFor="support-may-refund" className="text-sm font-medium text-zinc-800">
            Support users may refund orders
          </label>
          <p id="support-may-refund-help" className="text-xs text-zinc-500">
            Refunds move money, so only admins may refund unless this is ticked. It applies to every support user of this store; admins may always refund.
          </p>
        </div>
      </div>
      <Button type="submit" pending={pending}>
        Save permissions
      </Button>
    </form>
  );
}

type Role = Row["role"];
const ROLE_LABEL: Record<Role, string> = { admin: "Admin", support: "Support" };

export function UsersTable({ rows, currentUserId }: { rows: Row[]; currentUserId: string }) {
  const [pending, start] = useTransition();
  const [saving, startSaving] = useTransition();
  // A role chosen in a select waits here for confirmation; nothing is saved until then.
  const [proposed, setProposed] = useState<{ user: Row; role: Role } | null>(null);
  const selects = useRef(new Map<string, HTMLSelectElement>());
  const run = (input: Parameters<typeof changeUser>[0]) =>
    start(async () => {
      const r = await changeUser(input);
      if (r.error) toast.error(r.error);
      else toast.success(r.message ?? "Saved.");
    });
  /** Closes the confirmation and puts focus back on the select it came from. */
  const close = (userId: string) => {
    setProposed(null);
    setTimeout(() => selects.current.get(userId)?.focus(), 0);
  };
  const confirmRole = () => {
    if (!proposed) return;
    const { user, role } = proposed;
    startSaving(async () => {
      const r = await changeUser({ userId: user.id, role });
      if (r.error) toast.error(r.error);
      else toast.success(`${user.email} is now ${role === "admin" ? "an admin" : "a support user"}.`);
      close(user.id);
    });
  };
  return (
    <>
      <Table caption="Users of this store">
        <THead>
          <tr>
            <Th>Name</Th>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th>Status</Th>
            <ActionsTh />
          </tr>
        </THead>
        <TBody>
          {rows.map((u) => (
            <Tr key={u.id}>
              <Td>{u.name}</Td>
              <Td>{u.email}</Td>
              <Td>
                <label className="sr-only" htmlFor={`role-${u.id}`}>
                  Role of {u.email}
                </label>
                <select
                  id={`role-${u.id}`}
                  ref={(el) => {
                    if (el) selects.current.set(u.id, el);
                    else selects.current.delete(u.id);
                  }}
                  className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
                  value={proposed?.user.id === u.id ? proposed.role : u.role}
                  disabled={pending || u.id === currentUserId}
                  onChange={(e) => {
                    const role = e.target.value as Role;
                    if (role !== u.role) setProposed({ user: u, role });
                  }}
                >
                  <option value="support">Support</option>
                  <option value="admin">Admin</option>
                </select>
              </Td>
              <Td>{u.disabled ? <Badge tone="muted">Disabled</Badge> : <Badge tone="success">Active</Badge>}</Td>
              <Td className="text-right">
                {u.id !== currentUserId && (
                  <Button variant="secondary" size="sm" disabled={pending} onClick={() => run({ userId: u.id, disabled: !u.disabled })} aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}>
                    {u.disabled ? "Enable" : "Disable"}
                  </Button>
                )}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      <ConfirmDialog
        open={proposed !== null}
        onOpenChange={(open) => {
          if (!open && proposed && !saving) close(proposed.user.id);
        }}
        title="Change role?"
        description={
          proposed
            ? `${proposed.user.email} becomes ${proposed.role === "admin" ? "an admin: they can configure the store and its integrations and manage users" : "a support user: they can review orders, read the Transmission Log and resend, but no longer configure the store or manage users"}.`
            : undefined
        }
        cancelLabel={proposed ? `Keep ${ROLE_LABEL[proposed.user.role]}` : "Cancel"}
        cancelDisabled={saving}
        confirmLabel={proposed ? `Make ${ROLE_LABEL[proposed.role]}` : "Change role"}
        confirmVariant="primary"
        pending={saving}
        onConfirm={confirmRole}
      />
    </>
  );
}
