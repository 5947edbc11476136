/** DaVinci Resolve behind an interface: markers, render settings and render jobs through the scripting API. */
package dev.patchwork.resolve;
