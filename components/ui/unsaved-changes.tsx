"use client";

import { useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { ConfirmDialog } from "./confirm-dialog";

/**
 * Guards unsaved work while `count` > 0:
 * - closing or reloading the tab asks first (the browser's own `beforeunload` prompt);
 * - following a same-origin link anywhere on the page (side nav, breadcrumbs, the phone's menu) opens
 *   "Leave this page?": Stay keeps the typing, "Leave without saving" follows the link with the router.
 * Browser back/forward is not intercepted (the App Router gives no hook to cancel it).
 * Render it once in the form that owns the changes.
 */
export function UnsavedChangesGuard({ count }: { count: number }) {
  const router = useRouter();
  const [href, setHref] = useState<string | null>(null);
  const leaving = useRef(false);
  const dirty = count > 0;

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      if (leaving.current) return;
      e.preventDefault();
      // Older browsers need returnValue set to show the prompt.
      e.returnValue = "";
    };
    const click = (e: MouseEvent) => {
      if (leaving.current || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (!(a instanceof HTMLAnchorElement) || a.hasAttribute("download")) return;
      if (a.target && a.target !== "_self") return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      // A link to a place on this same page (an error summary's link, a skip link) loses nothing.
      if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
      e.preventDefault();
      e.stopPropagation();
      setHref(url.pathname + url.search + url.hash);
    };
    window.addEventListener("beforeunload", warn);
    document.addEventListener("click", click, true);
    return () => {
      window.removeEventListener("beforeunload", warn);
      document.removeEventListener("click", click, true);
    };
  }, [dirty]);

  return (
    <ConfirmDialog
      open={href !== null}
      onOpenChange={(open) => {
        if (!open) setHref(null);
      }}
      title="Leave this page?"
      description={`You have ${count} unsaved ${count === 1 ? "change" : "changes"}. If you leave, ${count === 1 ? "it is" : "they are"} lost.`}
      cancelLabel="Stay"
      confirmLabel="Leave without saving"
      onConfirm={() => {
        const to = href;
        leaving.current = true;
        setHref(null);
        if (to) router.push(to);
      }}
    />
  );
}
