import { handlers } from "../../../../server/http/auth";

export const dynamic = "force-dynamic";
export const { GET, POST } = handlers;
