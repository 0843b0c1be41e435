import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks what {@code ./mvnw -B -Prelease-dry-run -DskipTests deploy} staged in {@code target/release-dry-run}
 * against what Maven Central requires of every artifact: coordinates; a name and description of its own; a project
 * url, a licence, a developer and an scm (its own or its parent's, which must be staged too); a jar with its
 * {@code -sources} and {@code -javadoc} jars; an {@code .md5} and {@code .sha1} beside every file, matching it.
 * Which modules must be there is read from the reactor: every module whose pom does not set
 * {@code gapless.unpublished} to true, and none that does. The BOM must list every published jar module and import
 * Jackson at the parent's {@code jackson.version}.
 *
 * <p>Run from the repository root, with JDK 17 or newer: {@code java .ci/CheckRelease.java}. Exits 1 listing every
 * problem found, 0 with a summary when there is none. It checks no signature: the dry run has no GPG key.
 */
public final class CheckRelease {

    private static final String GROUP = "dev.gapless";
    private final Path root;
    private final Path staging;
    private final List<String> problems = new ArrayList<>();

    private CheckRelease(Path root, Path staging) {
        this.root = root;
        this.staging = staging;
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path staging = args.length > 1 ? Path.of(args[1]) : root.resolve("target/release-dry-run");
        new CheckRelease(root, staging).run();
    }

    private void run() throws Exception {
        if (!Files.isDirectory(staging)) {
            fail("nothing staged at " + staging + ": run ./mvnw -B -Prelease-dry-run -DskipTests deploy first");
        }
        Element parent = read(root.resolve("pom.xml"));
        String version = text(parent, "version");
        String jackson = text(child(parent, "properties"), "jackson.version");

        // what the reactor says must be published, and as what
        Map<String, String> expected = new LinkedHashMap<>();   // artifactId -> packaging
        expected.put(text(parent, "artifactId"), "pom");
        List<String> unpublished = new ArrayList<>();
        for (Element module : children(child(parent, "modules"), "module")) {
            Element pom = read(root.resolve(module.getTextContent().trim()).resolve("pom.xml"));
            String artifactId = text(pom, "artifactId");
            Element props = child(pom, "properties");
            if (props != null && "true".equals(text(props, "gapless.unpublished"))) {
                unpublished.add(artifactId);
            } else {
                expected.put(artifactId, Optional.ofNullable(text(pom, "packaging")).orElse("jar"));
            }
        }

        Path group = staging.resolve(GROUP.replace('.', '/'));
        TreeSet<String> staged = new TreeSet<>();
        if (Files.isDirectory(group)) {
            try (Stream<Path> dirs = Files.list(group)) {
                dirs.filter(Files::isDirectory).forEach(d -> staged.add(d.getFileName().toString()));
            }
        }
        for (String artifactId : unpublished) {
            if (staged.contains(artifactId)) {
                problem(artifactId + " is staged, but its pom says it is not published (gapless.unpublished)");
            }
        }
        int files = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!staged.contains(e.getKey())) {
                problem(e.getKey() + " is not staged");
                continue;
            }
            files += checkArtifact(e.getKey(), version, e.getValue());
        }
        checkBom(version, jackson, expected);

        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("release dry run: " + p));
            fail(problems.size() + " problem(s) in " + root.relativize(staging));
        }
        System.out.println("release dry run: " + expected.size() + " artifacts staged in " + root.relativize(staging)
                + " (" + String.join(", ", expected.keySet()) + "), " + files + " files with matching .md5 and"
                + " .sha1; every pom has coordinates, name, description, url, licence, developer and scm; not"
                + " staged, as intended: " + String.join(", ", unpublished));
    }

    /** @return how many files were checked */
    private int checkArtifact(String artifactId, String version, String packaging) throws Exception {
        Path dir = staging.resolve(GROUP.replace('.', '/')).resolve(artifactId).resolve(version);
        if (!Files.isDirectory(dir)) {
            problem(artifactId + ": no directory for version " + version);
            return 0;
        }
        // a SNAPSHOT deploy names files with a timestamp and build number instead of "SNAPSHOT"
        String base = version.endsWith("-SNAPSHOT") ? version.substring(0, version.length() - 9) : version;
        Pattern name = Pattern.compile(Pattern.quote(artifactId + "-" + base)
                + (version.endsWith("-SNAPSHOT") ? "-\\d{8}\\.\\d{6}-\\d+" : "") + "(-sources|-javadoc)?\\.(jar|pom)");
        Map<String, Path> found = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path f : (Iterable<Path>) list::iterator) {
                Matcher m = name.matcher(f.getFileName().toString());
                if (m.matches()) {
                    String kind = (m.group(1) == null ? "" : m.group(1)) + "." + m.group(2);
                    if (found.put(kind, f) != null) {
                        problem(artifactId + ": more than one " + kind + " staged in " + dir);
                    }
                }
            }
        }
        List<String> required = "pom".equals(packaging) ? List.of(".pom")
                : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar");
        for (String kind : required) {
            Path f = found.get(kind);
            if (f == null) {
                problem(artifactId + ": no " + kind + " staged");
                continue;
            }
            checkChecksums(artifactId, f);
        }
        if (found.containsKey("-sources.jar")) {
            requireEntry(artifactId, found.get("-sources.jar"), ".java");
        }
        if (found.containsKey("-javadoc.jar")) {
            requireEntry(artifactId, found.get("-javadoc.jar"), "index.html");
        }
        if (found.containsKey(".jar")) {
            requireEntry(artifactId, found.get(".jar"), ".class");
        }
        if (found.containsKey(".pom")) {
            checkPom(artifactId, version, packaging, found.get(".pom"));
        }
        return found.size();
    }

    private void checkChecksums(String artifactId, Path file) throws Exception {
        byte[] content = Files.readAllBytes(file);
        for (String[] algorithm : new String[][] {{"MD5", ".md5"}, {"SHA-1", ".sha1"}}) {
            Path sum = file.resolveSibling(file.getFileName() + algorithm[1]);
            if (!Files.exists(sum)) {
                problem(artifactId + ": " + sum.getFileName() + " is missing");
                continue;
            }
            String want = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm[0]).digest(content));
            String got = Files.readString(sum).trim().split("\\s+")[0];
            if (!want.equalsIgnoreCase(got)) {
                problem(artifactId + ": " + sum.getFileName() + " says " + got + ", the file's " + algorithm[0]
                        + " is " + want);
            }
        }
    }

    private void requireEntry(String artifactId, Path jar, String suffix) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            if (zip.stream().noneMatch(e -> e.getName().endsWith(suffix))) {
                problem(artifactId + ": " + jar.getFileName() + " has no " + suffix + " entry");
            }
        }
    }

    private void checkPom(String artifactId, String version, String packaging, Path file) throws Exception {
        Element pom = read(file);
        // coordinates and what must be the module's own
        if (!artifactId.equals(text(pom, "artifactId"))) {
            problem(artifactId + ": its pom's artifactId is " + text(pom, "artifactId"));
        }
        if (!GROUP.equals(inherited(pom, "groupId"))) {
            problem(artifactId + ": groupId is " + inherited(pom, "groupId") + ", not " + GROUP);
        }
        if (!version.equals(inherited(pom, "version"))) {
            problem(artifactId + ": version is " + inherited(pom, "version") + ", not " + version);
        }
        if (!packaging.equals(Optional.ofNullable(text(pom, "packaging")).orElse("jar"))) {
            problem(artifactId + ": packaging is not " + packaging);
        }
        for (String own : List.of("name", "description")) {
            if (blank(text(pom, own))) {
                problem(artifactId + ": the pom has no " + own + " of its own");
            }
        }
        // what may come from the parent, which must then be staged
        List<Element> chain = chain(artifactId, pom);
        if (blank(first(chain, p -> text(p, "url")))) {
            problem(artifactId + ": no project url");
        }
        Element license = first(chain, p -> child(child(p, "licenses"), "license"));
        if (license == null || blank(text(license, "name")) || blank(text(license, "url"))) {
            problem(artifactId + ": no licence with a name and a url");
        }
        Element developer = first(chain, p -> child(child(p, "developers"), "developer"));
        if (developer == null || blank(text(developer, "name"))) {
            problem(artifactId + ": no developer with a name");
        }
        Element scm = first(chain, p -> child(p, "scm"));
        if (scm == null || blank(text(scm, "connection")) || blank(text(scm, "url"))) {
            problem(artifactId + ": no scm with a connection and a url");
        }
        if (chain.stream().anyMatch(p -> text(p, "url") != null && text(p, "url").contains("${"))) {
            problem(artifactId + ": an unresolved property in the url");
        }
    }

    private void checkBom(String version, String jackson, Map<String, String> published) throws Exception {
        Path dir = staging.resolve(GROUP.replace('.', '/')).resolve("gapless-bom").resolve(version);
        if (!Files.isDirectory(dir)) {
            return;   // reported as not staged
        }
        Path pomFile;
        try (Stream<Path> list = Files.list(dir)) {
            pomFile = list.filter(f -> f.getFileName().toString().endsWith(".pom")).findFirst().orElse(null);
        }
        if (pomFile == null) {
            return;   // reported as missing
        }
        Element bom = read(pomFile);
        if (child(bom, "parent") != null) {
            problem("gapless-bom: the staged pom has a parent, so importing it would bring the build's"
                    + " dependencyManagement (JUnit, Spring AI, ...) to consumers");
        }
        Map<String, String> managed = new LinkedHashMap<>();
        String jacksonImport = null;
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            String g = text(d, "groupId");
            String a = text(d, "artifactId");
            String v = resolve(bom, text(d, "version"), version);
            if (GROUP.equals(g)) {
                managed.put(a, v);
            } else if ("com.fasterxml.jackson".equals(g) && "jackson-bom".equals(a) && "import".equals(text(d, "scope"))) {
                jacksonImport = v;
            }
        }
        for (Map.Entry<String, String> e : published.entrySet()) {
            if (!"jar".equals(e.getValue())) {
                continue;
            }
            if (!managed.containsKey(e.getKey())) {
                problem("gapless-bom does not manage " + e.getKey() + ": add it to bom/pom.xml (one entry)");
            } else if (!version.equals(managed.get(e.getKey()))) {
                problem("gapless-bom manages " + e.getKey() + " at " + managed.get(e.getKey()) + ", not " + version);
            }
        }
        if (!jackson.equals(jacksonImport)) {
            problem("gapless-bom imports jackson-bom at " + jacksonImport + ", not the build's " + jackson);
        }
    }

    /** Resolves ${project.version} and the pom's own properties, as a consumer importing it would. */
    private static String resolve(Element pom, String value, String version) {
        if (value == null) {
            return null;
        }
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String v = "project.version".equals(key) ? version : text(child(pom, "properties"), key);
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        return m.appendTail(out).toString();
    }

    /** The pom and its staged parents, nearest first. */
    private List<Element> chain(String artifactId, Element pom) throws Exception {
        List<Element> chain = new ArrayList<>();
        chain.add(pom);
        Element parent = child(pom, "parent");
        while (parent != null) {
            String a = text(parent, "artifactId");
            String v = text(parent, "version");
            Path dir = staging.resolve(text(parent, "groupId").replace('.', '/')).resolve(a).resolve(v);
            Path file = null;
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    file = list.filter(f -> f.getFileName().toString().endsWith(".pom")).findFirst().orElse(null);
                }
            }
            if (file == null) {
                problem(artifactId + ": its parent " + a + ":" + v + " is not staged");
                break;
            }
            Element p = read(file);
            chain.add(p);
            parent = child(p, "parent");
        }
        return chain;
    }

    private static String inherited(Element pom, String name) {
        String own = text(pom, name);
        return own != null ? own : text(child(pom, "parent"), name);
    }

    private static <T> T first(List<Element> chain, java.util.function.Function<Element, T> get) {
        for (Element p : chain) {
            T t = get.apply(p);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static Element read(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = Files.newInputStream(file)) {
            Document doc = factory.newDocumentBuilder().parse(in);
            return doc.getDocumentElement();
        }
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getTagName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && name.equals(e.getTagName())) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void problem(String p) {
        problems.add(p);
    }

    private static void fail(String message) {
        System.err.println("release dry run: " + message);
        System.exit(1);
    }
}
