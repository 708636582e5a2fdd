export { deleteAccount, DeleteAccountInput, type DeleteAccountDeps } from "./delete-account";
