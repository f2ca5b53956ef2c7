/** An item's Item ID (merchantItemId): plain data, shared by the queries and the editor's schema (also in the browser). */
export const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;
export const ITEM_ID_HELP = "Up to 50 letters, digits, dots, dashes or underscores, starting with a letter or digit.";
