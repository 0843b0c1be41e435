import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code java .ci/HttpGet.java URL TOKEN}: prints the body of a GET with {@code Authorization: Bearer TOKEN}, and
 * exits 1 unless the status is 200. For .ci/readme-commands, so that CI needs no curl.
 */
public final class HttpGet {
    public static void main(String[] args) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + args[1]).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.print(response.body());
        if (response.statusCode() != 200) {
            System.err.println("GET " + args[0] + ": HTTP " + response.statusCode());
            System.exit(1);
        }
    }
}
