import { z } from "zod";
import { STORE_CODE } from "@/lib/validation";

const code = z.string().regex(STORE_CODE);
// PostgreSQL text cannot hold NUL, and no name or address needs tabs or line breaks.
const text = (label: string, max = 100) =>
  z
    .string()
    .trim()
    .min(1, `Enter your ${label}.`)
    .max(max, `Keep the ${label} under ${max} characters.`)
    .regex(/^[^\p{Cc}]*$/u, `Remove tabs, line breaks and other control characters from the ${label}.`);
/** The StoreFront checkout form, validated on the server (app/store/[merchant]/[theme]/actions.ts). */
export const checkoutSchema = z
  .object({
    merchant: code,
    theme: code,
    checkoutKey: z.string().regex(/^[A-Za-z0-9-]{16,64}$/, "This checkout form expired. Reload the page and try again."),
    firstName: text("first name"),
    lastName: text("last name"),
    email: z.string().trim().toLowerCase().email("Enter a valid email address, like ada@example.com.").max(254),
    address1: text("address", 200),
    city: text("city"),
    stateRegion: text("state or region", 60),
    postalCode: z.string().trim().min(1, "Enter your postal code.").max(20).regex(/^[A-Za-z0-9 -]+$/, "Use letters, digits, spaces and dashes only."),
    countryCode: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, "Use the two-letter country code, like US."),
    dayPhone: z.string().trim().max(40).regex(/^[0-9+() .-]*$/, "Use digits, spaces and + ( ) - only.").default(""),
    paymentChoice: z.enum(["card", "echeck", "purchase_order", "quote"], { message: "Choose how you want to pay." }),
    cardNumber: z.string().trim().max(30, "A card number has at most 19 digits.").regex(/^[0-9 -]*$/, "Enter the card number with digits, spaces or dashes only.").optional(),
  })
  .refine((v) => v.paymentChoice !== "card" || Boolean(v.cardNumber?.replace(/[\s-]/g, "")), { message: "Enter the card number.", path: ["cardNumber"] });
