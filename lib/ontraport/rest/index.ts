// ONTRAPORT REST API v1 protocol (docs/ontraport-rest.md): the public API of this module.

export { restCall, nodeSend, buildQuery, ONTRAPORT_REST_BASE_URL, DEFAULT_REST_TIMEOUT_MS, REST_RESPONSE_BODY_LIMIT } from "./http";
export type { RestCallSpec, RestContext, RestMethod, RestSend, RestStep, RestValue, RawRequest, RawResponse } from "./http";
export { classifyStep, ONTRAPORT_UNAUTHORIZED_TEXT } from "./classify";
export { MemoryProductCache } from "./cache";
export type { CacheKind, ProductCache } from "./cache";
export { buildContactBody } from "./contact";
export type { ContactBodyOptions } from "./contact";
export { deliverSale, emptySaleState, buildProcessManualBody, taxName } from "./sale";
export type { SaleOptions, SaleResult, SaleState } from "./sale";
export { deliverRefund, emptyRefundState, buildRefundNote, explainRefund, refundKind, PARTIAL_REFUND_TAG } from "./refund";
export type { RefundKind, RefundOptions, RefundResult, RefundState } from "./refund";
export { deliverAutoOrderStatus, emptyAutoOrderState, subscriptionTag } from "./auto-order";
export type { AutoOrderResult, AutoOrderState } from "./auto-order";
export { deliverAffiliate, emptyAffiliateState, referrerOptions, AFFILIATE_TAG, AFFILIATE_APPROVED_TAG } from "./affiliate";
export type { AffiliateOptions, AffiliateResult, AffiliateState } from "./affiliate";
export { testRestConnection } from "./test-connection";
export type { RestConnectionResult } from "./test-connection";
