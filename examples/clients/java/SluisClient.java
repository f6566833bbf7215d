// An example back office for sluis in Java 17, with java.net.http only (no build tool, no
// libraries): run it with the source launcher,
//   java SluisClient.java URL CLIENT.p12 TRUST.p12 PASSWORD submit FILE...
//   java SluisClient.java URL CLIENT.p12 TRUST.p12 PASSWORD fetch INBOX-DIR
// CLIENT.p12 holds the partner's certificate and key, TRUST.p12 the CA of sluis's server
// certificate (docs/integration.md shows the openssl and keytool lines that make them).
//
// What docs/integration.md asks of a partner's software:
// - one HttpClient for the whole run: it keeps connections alive and opens new ones when sluis
//   closes them (Connection: close, max_connection_age, a restart);
// - submit: POST /v1/messages; on an IOException (timeout, broken connection), 503 or 429 the same
//   bytes are sent again: sluis answers a message it already has with its stored answer;
// - fetch: page GET /v1/mailbox, fetch each message, store it durably (written, forced to disk,
//   moved into place), then acknowledge it; a message already stored is acknowledged only.
//
// Prints one line per file or message and a summary line "fetched=N" or "submitted=N"; exits 0
// when every answer was what it should be (submit: 202 or 422; fetch: all stored and acknowledged).
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class SluisClient {
  static final int RETRIES = 6;
  static final int RETRY_AFTER_CAP = 30;  // seconds
  final HttpClient http;
  final String base;
  int resends = 0;

  SluisClient(String base, SSLContext tls) {
    this.base = base;
    this.http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  // One request, sent again with the same bytes on an IOException, 503 or 429.
  HttpResponse<byte[]> send(String method, String path, byte[] body) throws Exception {
    long delay = 200;
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      if (body != null) b.header("Content-Type", "application/xml").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      else b.method(method, HttpRequest.BodyPublishers.noBody());
      try {
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if ((r.statusCode() == 503 || r.statusCode() == 429) && attempt + 1 < RETRIES) {
          resends++;
          long wait = r.headers().firstValue("Retry-After").map(v -> v.matches("\\d+") ? Long.parseLong(v) : 1L).orElse(1L);
          Thread.sleep(Math.min(wait, RETRY_AFTER_CAP) * 1000);
          continue;
        }
        return r;
      } catch (IOException e) {
        if (attempt + 1 >= RETRIES) throw e;
        resends++;
        Thread.sleep(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  // A JSON string member of a small answer; enough for an example without a JSON library.
  static String member(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))").matcher(json);
    if (!m.find()) return null;
    return m.group(2) != null ? m.group(2) : m.group(3);
  }

  // The ids and types of one mailbox page, in order.
  static List<String[]> messages(String page) {
    List<String[]> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\{[^{}]*\"id\"\\s*:\\s*\"([^\"]+)\"[^{}]*\\}").matcher(page);
    while (m.find()) out.add(new String[] {m.group(1), member(m.group(), "type")});
    return out;
  }

  static void storeDurably(Path target, byte[] body) throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try (FileChannel f = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                          StandardOpenOption.TRUNCATE_EXISTING)) {
      f.write(ByteBuffer.wrap(body));
      f.force(true);
    }
    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  boolean submit(List<String> files) throws Exception {
    boolean ok = true;
    for (String file : files) {
      HttpResponse<byte[]> r = send("POST", "/v1/messages", Files.readAllBytes(Path.of(file)));
      String answer = new String(r.body(), StandardCharsets.UTF_8);
      System.out.println(file + " http=" + r.statusCode() + " id=" + member(answer, "id") + " status="
                         + member(answer, "status") + " code=" + member(answer, "code"));
      ok &= r.statusCode() == 202 || r.statusCode() == 422;
    }
    System.out.println("submitted=" + files.size() + " resends=" + resends);
    return ok;
  }

  boolean fetch(Path inbox) throws Exception {
    Files.createDirectories(inbox);
    int fetched = 0;
    String after = null;
    while (true) {
      String path = "/v1/mailbox?limit=100" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
      HttpResponse<byte[]> r = send("GET", path, null);
      String page = new String(r.body(), StandardCharsets.UTF_8);
      if (r.statusCode() != 200) throw new IllegalStateException("GET /v1/mailbox: HTTP " + r.statusCode() + " " + page);
      List<String[]> list = messages(page);
      for (String[] m : list) {
        Path target = inbox.resolve(m[0] + ".xml");
        String what = "already stored";
        if (!Files.exists(target)) {
          HttpResponse<byte[]> body = send("GET", "/v1/mailbox/" + URLEncoder.encode(m[0], StandardCharsets.UTF_8), null);
          if (body.statusCode() != 200) throw new IllegalStateException("GET " + m[0] + ": HTTP " + body.statusCode());
          storeDurably(target, body.body());
          what = "stored";
        }
        HttpResponse<byte[]> ack = send("POST", "/v1/mailbox/" + URLEncoder.encode(m[0], StandardCharsets.UTF_8) + "/ack", null);
        if (ack.statusCode() != 200) throw new IllegalStateException("ack " + m[0] + ": HTTP " + ack.statusCode());
        System.out.println(m[0] + " type=" + m[1] + " " + what);
        fetched++;
      }
      // The last page has no "next" (or, from an older sluis, lists nothing more).
      after = member(page, "next");
      if (list.isEmpty() || after == null) break;
    }
    System.out.println("fetched=" + fetched + " resends=" + resends);
    return true;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: java SluisClient.java URL CLIENT.p12 TRUST.p12 PASSWORD (submit FILE... | fetch DIR)");
      System.exit(2);
    }
    char[] password = args[3].toCharArray();
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
    SluisClient c = new SluisClient(args[0], tls);
    boolean ok = args[4].equals("submit") ? c.submit(List.of(args).subList(5, args.length))
                                          : c.fetch(Path.of(args[5]));
    System.exit(ok ? 0 : 1);
  }
}
