/** How often an auto order renews: the `auto_order_frequency` enum's values (plain data, safe in the browser). */
export const FREQUENCIES = ["Weekly", "Every 2 Weeks", "Monthly", "Every 2 Months", "Quarterly", "Every 6 Months", "Yearly"] as const;
