package org.vistabench.data;

/** An entry of a COCO {@code images} list. */
public record CocoImage(long id, String fileName, int width, int height) {
}
