/** Pedimentos services (issue #6 item 4; A30-PED-02…07). */
export { createPedimento, correctPedimento, linkPedimentoOperation, listPedimentos, listPedimentoVersions, readPedimento, PedimentoError } from "./store";
export type { Actor, PedimentoView, PedimentoLinkView } from "./store";
export { createPedimentoSchema, correctPedimentoSchema, pedimentoLinkSchema, pedimentoListQuerySchema, pedimentoIdSchema } from "./schemas";
export type { CreatePedimentoInput, CorrectPedimentoInput, PedimentoLinkInput } from "./schemas";
export { pedimentoErrorResponse } from "./http";
