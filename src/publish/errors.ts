/** Why a publication (push, PR, tracker link) failed; typed so callers never parse messages. */
export type PublishError =
  | { readonly kind: "not_a_git_workspace"; readonly message: string }
  | { readonly kind: "no_remote"; readonly message: string }
  | { readonly kind: "push_rejected"; readonly message: string }
  | { readonly kind: "push_failed"; readonly message: string }
  | { readonly kind: "forge_status"; readonly status: number; readonly message: string }
  | { readonly kind: "forge_request"; readonly message: string };

/** Whether trying again later may succeed (a rejected push needs a person; a 5xx or timeout may pass). */
export function retryablePublishError(error: PublishError): boolean {
  switch (error.kind) {
    case "push_failed":
    case "forge_request":
      return true;
    case "forge_status":
      return error.status >= 500 || error.status === 429;
    default:
      return false;
  }
}
