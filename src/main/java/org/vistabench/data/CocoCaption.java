package org.vistabench.data;

/** An entry of a COCO captions file's {@code annotations} list. */
public record CocoCaption(long id, long imageId, String caption) {
}
