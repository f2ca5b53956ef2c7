import type { Stage } from "./types";

/** What each stage means to the shopper (the merchant's stage names are internal words). */
export const SHOPPER_STAGE: Record<Stage, string> = {
  "Shipping Department": "Paid: we are preparing your order for shipping",
  "Completed Order": "Shipped",
  "Fraud Review": "Payment under review: we will email you when it is approved",
  "Pending Clearance": "Waiting for your eCheck to clear",
  "Accounts Receivable": "Waiting for payment of your purchase order",
  "Quote Request": "Quote requested: we will send you a quote",
  "Quote Sent": "Quote sent: check your email",
  "Pre-ordered": "Pre-ordered: you will be charged when it ships",
  Rejected: "Payment not accepted",
  Hold: "On hold: we will contact you",
};
