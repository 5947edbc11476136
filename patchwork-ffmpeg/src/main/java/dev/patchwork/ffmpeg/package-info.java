/** The ffmpeg engine: probing with ffprobe, rendering and splicing with ffmpeg. */
package dev.patchwork.ffmpeg;
