/**
 * Valid notifications straight from docs/ontraport-xml.md (the `...` of the samples filled
 * in with plausible values). Used by the simulator's tests and the benchmark; other tests may use
 * them as known-good input.
 */
import type { NotificationType } from "./types";

const CONTACT_INFORMATION = `    <Group_Tag name="Contact Information">
      <field name="First Name">Ada</field>
      <field name="Last Name">Lovelace</field>
      <field name="Email">ada@example.com</field>
      <field name="Company">Analytical Engines</field>
      <field name="Address">12 St James's Sq</field>
      <field name="Address 2"></field>
      <field name="City">London</field>
      <field name="State">LND</field>
      <field name="Zip Code">SW1Y 4LB</field>
      <field name="Country">GB</field>
      <field name="Office Phone">+44 20 0000 0000</field>
    </Group_Tag>`;

const AFFILIATE_GROUP = `    <Group_Tag name="Affiliate">
      <field name="AffiliateId">1001</field>
      <field name="Affiliate Approved">True</field>
    </Group_Tag>`;

const DECL = `<?xml version="1.0" encoding="UTF-8"?>`;

export const SAMPLE_SALE = `${DECL}
<notification type="sale" version="1" id="0b6f1c2e-8d1a-4c55-9a57-3d2f1e9b7a10" created="2026-11-25T17:00:00Z">
  <merchant id="DEMO"/>
  <order id="DEMO-10042" date="2026-11-25T16:59:12Z" currency="USD" stage="Shipping Department" payment_method="Credit Card" theme="DEFAULT">
  <contact>
${CONTACT_INFORMATION}
${AFFILIATE_GROUP}
  </contact>
    <purchases>
      <purchase product_name="Red Shirt" item_id="SHIRT-RED" quantity="2" unit_price="19.95" discount="0.00" total="39.90"/>
    </purchases>
    <subtotal>39.90</subtotal>
    <discount>0.00</discount>
    <tax>3.19</tax>
    <total>43.09</total>
  </order>
</notification>
`;

export const SAMPLE_REFUND = `${DECL}
<notification type="refund" version="1" id="5f0e6a43-2c1b-4f7e-8d3a-1b2c3d4e5f60" created="2026-11-27T09:30:00Z">
  <merchant id="DEMO"/>
  <order id="DEMO-10042" currency="USD">
  <contact>
${CONTACT_INFORMATION}
  </contact>
    <refund id="R-5521" date="2026-11-27T09:29:41Z" full="false" reason="Damaged">
      <purchase product_name="Red Shirt" item_id="SHIRT-RED" quantity="1" total="19.95"/>
      <tax>1.60</tax>
      <amount>21.55</amount>
    </refund>
  </order>
</notification>
`;

/** A price adjustment: money back without returning units, so no purchase lines. */
export const SAMPLE_REFUND_ADJUSTMENT = `${DECL}
<notification type="refund" version="1" id="7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d" created="2026-11-28T10:00:00Z">
  <merchant id="DEMO"/>
  <order id="DEMO-10042" currency="USD">
  <contact>
${CONTACT_INFORMATION}
  </contact>
    <refund id="R-5522" date="2026-11-28T09:59:30Z" full="false" reason="Price match">
      <adjustment>10.00</adjustment>
      <tax>0.80</tax>
      <amount>10.80</amount>
    </refund>
  </order>
</notification>
`;

export const SAMPLE_AUTO_ORDER_STATUS = `${DECL}
<notification type="auto_order_status" version="1" id="9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d" created="2026-12-25T17:00:00Z">
  <merchant id="DEMO"/>
  <auto_order code="AO-7F3K2" original_order_id="DEMO-10042" status="card declined" previous_status="active" date="2026-12-25T16:59:00Z" next_attempt="2026-12-28T16:59:00Z">
  <contact>
${CONTACT_INFORMATION}
  </contact>
    <purchase product_name="Coffee Club" item_id="COFFEE-MONTHLY" quantity="1" unit_price="29.00" frequency="Monthly"/>
  </auto_order>
</notification>
`;

export const SAMPLE_AFFILIATE = `${DECL}
<notification type="affiliate" version="1" id="c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f" created="2026-11-20T12:00:00Z">
  <merchant id="DEMO"/>
  <affiliate id="1001">
  <contact>
${CONTACT_INFORMATION}
${AFFILIATE_GROUP}
  </contact>
  </affiliate>
</notification>
`;

export const SAMPLES: Record<NotificationType, string> = {
  sale: SAMPLE_SALE,
  refund: SAMPLE_REFUND,
  auto_order_status: SAMPLE_AUTO_ORDER_STATUS,
  affiliate: SAMPLE_AFFILIATE,
};

/** Form body of one notification as the contract's sender posts it. */
export function notificationForm(key: string, reqType: string, data: string): string {
  return new URLSearchParams({ key, reqType, data }).toString();
}
