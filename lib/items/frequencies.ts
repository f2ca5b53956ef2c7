/** The auto order frequencies an item may renew at (the database enum's values; plain data, safe in the browser). */
export { FREQUENCIES } from "@/lib/db/schema/frequencies";
