/**
 * The pages nutsgate serves itself: {@code /demo} (the frontend's journey against the public API) and the operator's
 * {@code /dashboard}, whose data ({@code GET /nuts/dashboard}) needs the operator token.
 */
package io.nutsgate.dashboard;
