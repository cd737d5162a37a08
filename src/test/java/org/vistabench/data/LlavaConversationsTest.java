package org.vistabench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

class LlavaConversationsTest {
    @TempDir
    Path dir;

    static final String JSON = """
            [
              {"id": "000000033471", "image": "coco/train2017/000000033471.jpg", "extra": {"a": [1, 2]},
               "conversations": [
                 {"from": "human", "value": "<image>\\nWhat are the colors of the bus in the image?"},
                 {"from": "gpt", "value": "The bus in the image is white and red."},
                 {"from": "human", "value": "What feature can be seen on the back of the bus?"},
                 {"from": "gpt", "value": "The back of the bus features an advertisement."}]},
              {"id": "text-only-1", "conversations": [
                 {"from": "human", "value": "Write a haiku."}, {"from": "gpt", "value": "Autumn moonlight"}]},
              {"id": 7, "image": "pretrain/00453/004539375.jpg", "conversations": [
                 {"from": "human", "value": "Render a clear and concise summary of the photo.\\n<image>"},
                 {"from": "gpt", "value": " select luxury furniture 3 - inch gel memory foam mattress topper "}]},
              {"id": "no-answer", "image": "x.jpg", "conversations": [{"from": "human", "value": "<image>"}]}
            ]
            """;

    @Test
    void keepsImagePathFirstQuestionAndFirstAnswerAndSkipsTextOnlyRows() throws Exception {
        Path f = Files.writeString(dir.resolve("chat.json"), JSON);
        LlavaConversations.Result r = LlavaConversations.read(f);
        assertEquals(4, r.total());
        assertEquals(1, r.textOnly());
        assertEquals(1, r.withoutAnswer());
        assertEquals(List.of(
                new LlavaConversation(0, "000000033471", "coco/train2017/000000033471.jpg",
                        "What are the colors of the bus in the image?", "The bus in the image is white and red."),
                new LlavaConversation(2, "7", "pretrain/00453/004539375.jpg",
                        "Render a clear and concise summary of the photo.",
                        "select luxury furniture 3 - inch gel memory foam mattress topper")), r.records());
    }

    @Test
    void malformedJsonIsOneLineWithFileLineAndColumn() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.json"), "[\n  {\"id\": 1, \"image\": \"a.jpg\",\n"
                + "   \"conversations\": [{\"from\": \"human\" \"value\": \"x\"}]}\n]\n");
        VistaException e = assertThrows(VistaException.class, () -> LlavaConversations.read(f));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed json"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void wrongShapeIsLocatedToo() throws Exception {
        Path f = Files.writeString(dir.resolve("shape.json"), "[\n {\"image\": \"a.jpg\", \"conversations\": "
                + "{\"from\": \"human\"}}\n]");
        VistaException e = assertThrows(VistaException.class, () -> LlavaConversations.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2:"), e.getMessage());
        assertTrue(e.getMessage().contains("key 'conversations': a list of turns"), e.getMessage());
        Path notList = Files.writeString(dir.resolve("obj.json"), "{\"a\": 1}");
        VistaException e2 = assertThrows(VistaException.class, () -> LlavaConversations.read(notList));
        assertTrue(e2.getMessage().startsWith(notList + ":1:1: expected a list of conversation records, found {"),
                e2.getMessage());
    }
}
