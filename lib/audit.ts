import type { Db } from "@/lib/db/client";
import { auditLog } from "@/lib/db/schema";

// The one way to write the audit log: a typed action name (the Change history and support read
// them), who, what it was done to in words, and details that never hold a secret (a key appears
// only as its fingerprint).

export const AUDIT_ACTIONS = [
  "affiliate.created",
  "affiliate.approved",
  "affiliate.unapproved",
  "auto_order.cancelled",
  "auto_order.card_updated",
  "auto_order.reactivated",
  "item.created",
  "item.updated",
  "item.deactivated",
  "item.reactivated",
  "item.duplicated",
  "merchant.support_may_refund_changed",
  "order.customer_updated",
  "order.items_corrected",
  "theme.created",
  "theme.renamed",
  "user.created",
  "user.updated",
  "ontraport.method_changed",
  "ontraport.protocol_changed",
  "ontraport.app_id_changed",
  "ontraport.buyer_tag_changed",
  "ontraport.key_set",
  "ontraport.key_cleared",
  "ontraport.endpoint_changed",
  "ontraport.subdomain_changed",
  "ontraport.mapping_changed",
  "ontraport.tags_changed",
  "ontraport.polling_key_regenerated",
  "ontraport.connection_tested",
  "ontraport.resend",
  "ontraport.send_now",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  merchantId: string;
  userId: string | null;
  action: AuditAction;
  /** What it was done to, in words (`admin@demo.test`, `Item SHIRT-RED`). */
  target: string;
  detail?: Record<string, unknown>;
  /** When it happened (default: now). */
  at?: Date;
}

/** Records one entry, in the caller's transaction (the change and its entry commit together). */
export async function recordAudit(tx: Db, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({ merchantId: e.merchantId, userId: e.userId, action: e.action, target: e.target, detail: e.detail ?? {}, ...(e.at ? { at: e.at } : {}) });
}
