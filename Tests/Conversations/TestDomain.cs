namespace Switchboard.Tests.Conversations;

/// <summary>The domain-only model the conversation tests load with <c>-m</c> (a real Rasa 3.x domain file).</summary>
public static class TestDomain
{
    public const string Yaml = """
        version: "3.1"
        intents:
          - greet
          - goodbye
          - inform
          - restart
        entities:
          - name
        slots:
          name:
            type: text
            influence_conversation: false
            mappings:
              - type: from_entity
                entity: name
          mood:
            type: categorical
            values: [happy, sad]
            initial_value: happy
            mappings:
              - type: custom
        responses:
          utter_greet:
            - text: "Hey {name}!"
          utter_goodbye:
            - text: "Bye"
              image: "https://example.com/bye.png"
          utter_default:
            - text: "Sorry?"
        actions:
          - action_custom
        session_config:
          session_expiration_time: 60
          carry_over_slots_to_new_session: true
        """;

    /// <summary>Writes the domain to a fresh temporary file and returns its path.</summary>
    public static string Write(string yaml = Yaml)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("switchboard-domain-").FullName, "domain.yml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
