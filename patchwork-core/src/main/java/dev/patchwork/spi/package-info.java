/** Service-provider interfaces: what varies between engines (probing, rendering, splicing, chunk execution). */
package dev.patchwork.spi;
