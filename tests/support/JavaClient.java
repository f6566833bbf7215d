// A partner's back office as Java runs it: java.net.http.HttpClient with the
// partner's certificate, keep-alive, and a new client (a new connection) per
// round sharing one SSLContext, so every reconnect offers the TLS session the
// context cached (as Java does by default). Used by
// tests/integration/tls_resume_test.py through java's source launcher:
//   java -Djdk.tls.client.protocols=TLSv1.3 JavaClient.java URL CLIENT.p12 TRUST.p12 PASSWORD ROUNDS
// Prints "ok=N failed=M" and one line per failure; exits 0 when all were 200.
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class JavaClient {
  public static void main(String[] args) throws Exception {
    String url = args[0];
    char[] password = args[3].toCharArray();
    int rounds = Integer.parseInt(args[4]);
    KeyStore client = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[1])) { client.load(in, password); }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(client, password);
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(args[2])) { trusted.load(in, password); }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    int ok = 0, failed = 0;
    for (int round = 0; round < rounds; round++) {
      HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      for (int request = 0; request < 3; request++) {  // keep-alive within a round
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                                             HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) ok++;
          else { failed++; System.out.println("round " + round + ": HTTP " + r.statusCode()); }
        } catch (Exception e) {
          failed++;
          System.out.println("round " + round + ": " + e);
        }
      }
    }
    System.out.println("ok=" + ok + " failed=" + failed);
    System.exit(failed == 0 ? 0 : 1);
  }
}
