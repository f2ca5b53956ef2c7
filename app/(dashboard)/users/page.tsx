import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { listUsers } from "@/lib/users/queries";
import { getStaffPermissions } from "@/lib/users/permissions";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { AddUserForm, StaffPermissionsForm, UsersTable } from "./users-client";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requirePageSession("admin");
  const db = await getDb();
  const [rows, permissions] = await Promise.all([listUsers(db, { merchantId: user.merchantId }), getStaffPermissions(db, { merchantId: user.merchantId })]);
  return (
    <>
      <PageHeader title="Users" crumbs={[{ label: "Home", href: "/" }, { label: "Users" }]} description="People who can sign in to this store's dashboard." />
      <div className="space-y-6">
        <UsersTable rows={rows.map((r) => ({ id: r.id, email: r.email, name: r.name, role: r.role, disabled: Boolean(r.disabledAt) }))} currentUserId={user.id} />
        <Card title="Staff permissions" id="staff-permissions" description="Store-wide rules for what support users may do.">
          <StaffPermissionsForm supportMayRefund={permissions.supportMayRefund} />
        </Card>
        <Card title="Add a user" id="add-user">
          <AddUserForm />
        </Card>
      </div>
    </>
  );
}
