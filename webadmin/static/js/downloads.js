// Files from the API (a[download] links to /api/…): fetched first, so that a refusal (a period
// too long for one file, missing rights) shows as a message in words instead of a raw JSON page.
import { ApiError } from "./api.js";
import { errorText, h, toast } from "./ui.js";

export async function download(url) {
  const response = await fetch(url, { headers: { "Accept-Language": document.documentElement.lang } });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => ({})));
  const blob = await response.blob();
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") || "")?.[1] || "";
  const link = h("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

// The words of a refusal: the field messages (the reason), else the error itself.
export const refusal = (error) => (Object.keys(error.fields || {}).length ? errorText(Object.values(error.fields))
  : error.message);

export function guardDownloads(root) {
  root.addEventListener("click", async (event) => {
    const link = event.target.closest?.("a[download]");
    if (!link || !link.getAttribute("href")?.startsWith("/api/")) return;
    event.preventDefault();
    try {
      await download(link.getAttribute("href"));
    } catch (error) {
      toast(refusal(error), "error");
    }
  });
}
