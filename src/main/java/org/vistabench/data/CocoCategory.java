package org.vistabench.data;

/** An entry of a COCO {@code categories} list. */
public record CocoCategory(int id, String name, String supercategory) {
}
