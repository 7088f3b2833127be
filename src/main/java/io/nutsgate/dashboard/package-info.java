/**
 * The pages nutsgate serves itself: {@code /demo} (the frontend's journey against the public API) and the operator's
 * {@code /dashboard}, whose data ({@code GET /nuts/dashboard}) needs Bearer {@code NUTS_MANAGEMENT_TOKEN}, as the metrics do.
 */
package io.nutsgate.dashboard;
