"use client";

import type { FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";

/**
 * A react-hook-form resolver that checks with a zod schema loaded on first use (the first submit):
 * zod and the resolver are about 45 kB gzipped, which the page's first load cannot afford within its
 * 200 kB budget. The schema is the server's own (`load` imports its module), so the browser and the
 * server agree; the server still checks again.
 */
export function lazyZodResolver<S extends z.ZodType<FieldValues, FieldValues>>(load: () => Promise<S>): Resolver<z.input<S>, unknown, z.output<S>> {
  let ready: Promise<Resolver<z.input<S>, unknown, z.output<S>>> | null = null;
  return async (values, context, options) => {
    ready ??= Promise.all([import("@hookform/resolvers/zod"), load()]).then(([{ zodResolver }, schema]) => zodResolver(schema) as Resolver<z.input<S>, unknown, z.output<S>>);
    return (await ready)(values, context, options);
  };
}
