namespace Switchboard.Benchmarks;

/// <summary>
/// wrk scripts for the Rasa routes: each request picks one of 10,000 conversation ids at random; the bodies are
/// the same for the gateway and the bare baseline (which only parses them).
/// </summary>
public static class ConversationLoad
{
    public const string Token = "benchmark-token";

    public const int Conversations = 10_000;

    private const string Texts = """{"hello", "I am looking for an italian restaurant", "thanks a lot", "what are your opening hours", "goodbye"}""";

    public static string Messages => Script($"\"/conversations/m\" .. id .. \"/messages?token={Token}\"", """[[{"text":"/greet","sender":"user"}]]""");

    public static string TrackerEvents => Script($"\"/conversations/t\" .. id .. \"/tracker/events?token={Token}\"", """[[{"event":"slot","name":"cuisine","value":"italian"}]]""");

    /// <summary>The domain-only model understands only <c>/intent</c> messages.</summary>
    public static string WebhookIntent => Script("\"/webhooks/rest/webhook\"", """'{"sender":"w' .. id .. '","message":"/greet"}'""");

    public static string WebhookText => Script("\"/webhooks/rest/webhook\"", """'{"sender":"x' .. id .. '","message":"' .. text .. '"}'""");

    /// <summary>Text messages from <paramref name="senders"/> senders (the side-by-side load with Rasa: 1,000).</summary>
    public static string WebhookSenders(int senders) => Script("\"/webhooks/rest/webhook\"", """'{"sender":"s' .. id .. '","message":"' .. text .. '"}'""", senders);

    /// <summary>
    /// A fixed amount of work: each of <paramref name="senders"/> senders sends <paramref name="turnsPerSender"/> text
    /// messages, the senders in turn. wrk's <paramref name="threads"/> threads share them out; each stops after its
    /// share of the answers (a request per connection more may be in flight then) and writes a line to
    /// <paramref name="doneFile"/>, and the last one interrupts wrk, which otherwise sleeps out its whole duration.
    /// </summary>
    public static string WebhookTurns(int senders, int turnsPerSender, int threads, string doneFile) => $$"""
        math.randomseed(os.time() + math.floor(os.clock() * 1000000))
        local texts = {{Texts}}
        local started = 0
        function setup(thread)
          thread:set("first", started)
          started = started + 1
        end
        local sent = 0
        local answered = 0
        local quota = {{senders / threads * turnsPerSender}}
        request = function()
          local id = (sent * {{threads}} + first) % {{senders}}
          sent = sent + 1
          local text = texts[math.random(1, #texts)]
          return wrk.format("POST", "/webhooks/rest/webhook", {["Content-Type"] = "application/json"}, '{"sender":"s' .. id .. '","message":"' .. text .. '"}')
        end
        response = function()
          answered = answered + 1
          if answered == quota then
            wrk.thread:stop()
            -- Later, from the background: system() ignores SIGINT while its shell runs.
            os.execute("echo >> '{{doneFile}}'; if [ $(wc -l < '{{doneFile}}') -ge {{threads}} ]; then (sleep 0.5; kill -INT $PPID) & fi")
          end
        end
        """;

    public static string Parse => Script($"\"/model/parse?token={Token}\"", """'{"text":"' .. text .. '"}'""");

    private static string Script(string path, string body, int conversations = Conversations) => $$"""
        math.randomseed(os.time() + math.floor(os.clock() * 1000000))
        local texts = {{Texts}}
        request = function()
          local id = math.random(0, {{conversations - 1}})
          local text = texts[math.random(1, #texts)]
          return wrk.format("POST", {{path}}, {["Content-Type"] = "application/json"}, {{body}})
        end
        """;
}
