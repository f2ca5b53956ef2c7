import { test as setup } from "@playwright/test";
import { signIn, storageStateFor, type Who } from "./support";

for (const who of ["admin", "support", "acme"] as Who[]) {
  setup(`sign in as ${who}`, async ({ page }) => {
    await signIn(page, who);
    await page.context().storageState({ path: storageStateFor(who) });
  });
}
