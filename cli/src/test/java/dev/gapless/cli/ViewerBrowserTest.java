package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.testkit.ChildJvm;
import dev.gapless.testkit.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code gapless serve} in a real browser: headless Chromium, driven by Selenium through Debian's chromedriver, opens
 * the printed URL, finds the artifact's files, and sees a version that another process ({@code gapless exec}) writes
 * appear without a reload. Skipped, saying why, where {@code chromium} or {@code chromedriver} is not installed
 * ({@code apt-get install chromium chromium-driver}, which CI does).
 */
class ViewerBrowserTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("GAPLESS_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("GAPLESS_CHROMEDRIVER",
            "/usr/bin/chromedriver"));
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String HOSTILE = "<img src=x onerror=\"document.title='pwned'\">.c";

    @Test
    void theViewerShowsTheFilesAndAVersionWrittenByAnotherProcessAppearsWithoutAReload(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(DRIVER), "no chromedriver at " + DRIVER
                + " (apt-get install chromium chromium-driver)");
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no chromium at " + CHROMIUM
                + " (apt-get install chromium)");
        String chat = "browser-" + UUID.randomUUID();
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact artifact = store.getOrCreate(chat, ToolExecutor.ARTIFACT_TYPE, "Blink");
        store.append(artifact.id(), Change.put(new CodeFile("main.cpp", "cpp", "void setup() {}\n", "entry")));
        store.append(artifact.id(), Change.put(CodeFile.of(HOSTILE, "</pre><script>document.title='pwned'</script>")));
        String[] db = {"--jdbc-url", PG.jdbcUrl(), "--user", PG.server().user(), "--password", PG.server().password()};

        try (ChildJvm serve = ChildJvm.start("dev.gapless.cli.Main", concat(new String[] {"serve", "--port", "0"},
                db))) {
            String url = serve.awaitLine(l -> l.startsWith("viewer: "), PATIENCE).substring("viewer: ".length());
            assertThat(url).startsWith("http://127.0.0.1:").contains("/viewer/#token=");
            WebDriver browser = chromium();
            try {
                browser.get(url + "&chat=" + URLEncoder.encode(chat, StandardCharsets.UTF_8));
                WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
                wait.until(b -> names(b, "#files li").contains("main.cpp"));
                assertThat(names(browser, "#files li")).containsExactly("main.cpp", HOSTILE);
                assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token=");
                wait.until(b -> b.findElement(By.id("status")).getText().equals("live"));
                ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.gaplessMark = 42;");

                Path response = dir.resolve("response.json");
                Files.writeString(response, "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"tool_calls\":"
                        + " [{\"id\": \"call_browser\", \"type\": \"function\", \"function\": {\"name\":"
                        + " \"add_code_file\", \"arguments\": \"{\\\"filename\\\": \\\"config.h\\\", \\\"language\\\":"
                        + " \\\"c\\\", \\\"content\\\": \\\"#define LED 13\\\"}\"}}]}}]}");
                try (ChildJvm exec = ChildJvm.start("dev.gapless.cli.Main",
                        concat(new String[] {"exec", "--chat", chat}, db, new String[] {response.toString()}))) {
                    assertThat(exec.awaitExit(PATIENCE)).as(exec.errors()).isZero();
                }
                wait.until(b -> !b.findElements(By.cssSelector("#timeline li[data-version='3']")).isEmpty());
                wait.until(b -> names(b, "#files li").contains("config.h"));
                WebElement v3 = browser.findElement(By.cssSelector("#timeline li[data-version='3']"));
                assertThat(v3.getText()).contains("Added config.h").contains("call call_browser");
                assertThat(browser.findElement(By.id("diff")).getText()).contains("config.h").contains("added")
                        .contains("+ #define LED 13");
                assertThat(((org.openqa.selenium.JavascriptExecutor) browser)
                        .executeScript("return window.gaplessMark;")).as("no reload").isEqualTo(42L);

                browser.findElements(By.cssSelector("#files li")).stream()
                        .filter(li -> li.getText().equals(HOSTILE)).findFirst().orElseThrow().click();
                wait.until(b -> b.findElement(By.id("content")).getText().contains("</pre>"));
                assertThat(browser.getTitle()).as("hostile names and contents are text, never markup")
                        .isEqualTo("Gapless viewer");
                assertThat(browser.findElements(By.cssSelector("#files img, #content script"))).isEmpty();
                Path shot = Path.of("target", "viewer-browser.png");
                Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
        assertThat(store.history(artifact.id())).hasSize(3);
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static List<String> names(WebDriver browser, String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
