package org.vistabench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.vistabench.report.allure.AllurePart;
import org.vistabench.report.allure.AllureSite;
import org.vistabench.report.dashboard.DashboardPart;
import org.vistabench.report.dashboard.ResultsFixture;
import org.vistabench.run.ReportInputs;

/**
 * The reports as a person sees them: Debian's headless Chromium, driven by its chromedriver through Selenium, opens
 * the static Allure site and the feature dashboard of the hand-made results folder from disk (no server, no network).
 * Screenshots go to {@code target/screenshots/}. Chromium and chromedriver are found at {@code /usr/bin} (or the
 * system properties {@code vistabench.chromium} and {@code vistabench.chromedriver}); without them the test fails and
 * says how to install them, unless {@code -Dvistabench.browser=skip}. Selenium Manager is never used (it would download
 * a driver): the driver and the browser are named explicitly.
 */
class BrowserEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path tmp;
    static Path out;
    static WebDriver driver;

    @BeforeAll
    static void reportAndBrowser() throws IOException {
        Assumptions.assumeFalse("skip".equals(System.getProperty("vistabench.browser")),
                "browser tests skipped by -Dvistabench.browser=skip");
        File chromium = new File(System.getProperty("vistabench.chromium", "/usr/bin/chromium"));
        File chromedriver = new File(System.getProperty("vistabench.chromedriver", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !chromedriver.canExecute()) {
            fail("the browser end-to-end test needs Chromium at " + chromium + " and chromedriver at " + chromedriver
                    + ": install them (apt-get install -y chromium chromium-driver; .ci/run does), or skip this test"
                    + " with -Dvistabench.browser=skip");
        }
        ReportInput in = ReportInputs.read(ResultsFixture.write(tmp.resolve("results")));
        out = tmp.resolve("report");
        new AllurePart().write(in, out, new ReportPart.Options(true));
        new DashboardPart().write(in, out, new ReportPart.Options(true));
        Files.createDirectories(SHOTS);

        System.setProperty("webdriver.chrome.driver", chromedriver.getPath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")));
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void allureSiteListsEveryClaim() throws IOException {
        driver.get(out.resolve(AllureSite.DIR).resolve("index.html").toUri() + "#suites");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        // the suites tree starts folded: open "golden claims", then its suites (one per claim kind)
        wait.until(ExpectedConditions.elementToBeClickable(suiteNode("golden claims"))).click();
        for (String kind : List.of("kind: absolute", "kind: relative")) {
            wait.until(ExpectedConditions.elementToBeClickable(suiteNode(kind))).click();
        }
        for (String id : ResultsFixture.CLAIMS) {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), id));
        }
        String text = driver.findElement(By.tagName("body")).getText();
        for (String id : ResultsFixture.CLAIMS) {
            assertTrue(text.contains(id), "the Allure suites view lists claim " + id);
        }
        // open the known failure: its reason is the status message
        driver.findElement(By.xpath("//*[normalize-space()='tiny-lm-reads-prefix']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"),
                "known failure: the tiny LM cannot read a prefix"));
        screenshot("allure-suites.png");
    }

    @Test
    void dashboardListsLatentsDrawsHeatMapsAndFollowsTheFilters() throws IOException {
        driver.get(out.resolve(DashboardPart.FILE).toUri().toString());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(d -> "1".equals(body(d).getAttribute("data-ready")));
        assertEquals(ResultsFixture.FULL.id(), body(driver).getAttribute("data-cell"), "the first cell with records");
        assertEquals("0", body(driver).getAttribute("data-layer"));
        List<WebElement> latents = driver.findElements(By.cssSelector("#latents li.latent"));
        assertEquals(3, latents.size(), "image 1's three top latents at layer 0");
        String layer0 = driver.findElement(By.id("latents")).getText();
        assertTrue(layer0.contains(ResultsFixture.label(0, 100)), layer0);
        assertTrue(layer0.contains("matched object:dog"), layer0);
        assertTrue(heatPixels() > 0, "the selected latent's heat map is drawn");
        assertTrue(driver.findElements(By.cssSelector("#steering .card")).size() == 2, "two steering examples");
        screenshot("dashboard.png");

        new Select(driver.findElement(By.id("layer"))).selectByValue("1");
        wait.until(d -> "1".equals(body(d).getAttribute("data-layer")));
        String layer1 = driver.findElement(By.id("latents")).getText();
        assertNotEquals(layer0, layer1, "another layer, other latents");
        assertTrue(layer1.contains(ResultsFixture.label(1, 200)), layer1);
        assertTrue(heatPixels() > 0);

        // a cell with match-rate records only: latents listed, no heat map, and a note saying so
        new Select(driver.findElement(By.id("cell"))).selectByValue(ResultsFixture.MATCH_ONLY.id());
        wait.until(d -> ResultsFixture.MATCH_ONLY.id().equals(body(d).getAttribute("data-cell")));
        assertEquals(2, driver.findElements(By.cssSelector("#latents li.latent")).size());
        assertEquals(0, heatPixels(), "no maps, no heat");
        assertTrue(driver.findElement(By.id("cellinfo")).getText().contains("no patches.jsonl"));
        screenshot("dashboard-match-rate-only.png");

        // the seed filter narrows the cells to seed 17's
        new Select(driver.findElement(By.id("seed"))).selectByValue("17");
        wait.until(d -> !ResultsFixture.MATCH_ONLY.id().equals(body(d).getAttribute("data-cell")));
        Set<String> cells = new HashSet<>();
        new Select(driver.findElement(By.id("cell"))).getOptions().forEach(o -> cells.add(o.getAttribute("value")));
        assertFalse(cells.contains(ResultsFixture.MATCH_ONLY.id()));
        assertTrue(cells.contains(ResultsFixture.FULL.id()));
    }

    /** A folder of the Allure suites tree, by its name. */
    private static By suiteNode(String name) {
        return By.xpath("//div[contains(@class,'node__title')][div[contains(@class,'node__name')][normalize-space()='"
                + name + "']]");
    }

    private static WebElement body(WebDriver d) {
        return d.findElement(By.tagName("body"));
    }

    /** How many pixels of the heat-map canvas are not transparent. */
    private static long heatPixels() {
        Object n = ((JavascriptExecutor) driver).executeScript(
                "var c = document.getElementById('heat');"
                        + "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                        + "for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } } return n;");
        return ((Number) n).longValue();
    }

    /** Saves a screenshot under target/screenshots and checks it shows something (not one flat colour). */
    private static void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name), png);
        BufferedImage im = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(im != null && im.getWidth() > 100 && im.getHeight() > 100, name + " is a PNG");
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < im.getHeight(); y += 7) {
            for (int x = 0; x < im.getWidth(); x += 7) {
                colours.add(im.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, name + " is not blank: " + colours.size() + " colours");
        io.qameta.allure.Allure.addAttachment(name, "image/png", new ByteArrayInputStream(png), "png");
    }
}
