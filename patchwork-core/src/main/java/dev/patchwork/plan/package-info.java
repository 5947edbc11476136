/**
 * Planning a patch: which master frames are kept byte-for-byte and which are re-rendered, honouring the
 * master's random-access points; and chunk plans for distributed first renders.
 */
package dev.patchwork.plan;
