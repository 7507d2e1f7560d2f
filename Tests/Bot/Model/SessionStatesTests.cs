using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Domain;
using Switchboard.Bot.Events;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;

namespace Switchboard.Tests.Bot.Model;

/// <summary>
/// The states a conversation keeps up to date as events are logged (across requests) are the states built from
/// scratch from its applied events, whatever rewinds, undos, restarts, session starts and loops came in between.
/// </summary>
public sealed class SessionStatesTests
{
    private static readonly BotDomain Domain = ExampleProject.Model.Domain;

    /// <summary>The example's stories one after another (forms among them), with edits of the conversation mixed in.</summary>
    private static List<TrackerEvent> Script(int seed)
    {
        var random = new Random(seed);
        var stories = StoryExpander.Expand(ExampleProject.Training.Stories).Take(10).ToList();
        var events = new List<TrackerEvent>();
        foreach (var e in stories.SelectMany(s => StoryEvents.From(s.Steps)))
        {
            events.Add(e);
            switch (random.Next(30))
            {
                case 0:
                    events.Add(new UserUtteranceReverted());
                    break;
                case 1:
                    events.Add(new ActionReverted());
                    break;
                case 2:
                    events.Add(new Restarted());
                    break;
                case 3:
                    events.Add(new SessionStarted());
                    break;
                case 4:
                    events.Add(new AllSlotsReset());
                    break;
            }
        }

        // Timestamps strictly increase within a conversation.
        return events.Select((e, i) => e with { Timestamp = 1_000_000 + i }).ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Kept_states_equal_states_built_from_scratch_after_every_event(int seed)
    {
        var script = Script(seed);
        Assert.Contains(script, e => e is ActiveLoop { Name: not null });
        var lookback = ExampleProject.Model.Ensemble!.Lookback;
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("s", []);
        SessionStates? kept = null;
        var reused = 0;
        var loopRunsKept = 0;
        for (var n = 0; n < script.Count; n++)
        {
            var e = script[n];
            await conversation.Log(e);
            if (n % 3 == 0)
            {
                // A request ends: the records go, the kept states stay.
                conversation.Release();
            }

            var states = await conversation.SessionStates(Domain, lookback);
            var plainAppend = e is not (Restarted or SessionStarted or UserUtteranceReverted or ActionReverted or ActiveLoop or ActionExecuted { Name: "restaurant_form" });
            if (kept is not null && plainAppend)
            {
                Assert.Same(kept, states);
                reused++;
            }

            if (e is ActionExecuted { Name: "restaurant_form" } && ReferenceEquals(kept, states))
            {
                loopRunsKept++;
            }

            kept = states;
            AssertSameAsFromScratch(script.Take(n + 1).ToList(), states, lookback);
        }

        Assert.True(reused > script.Count / 2, $"kept states served only {reused} of {script.Count} events");

        // A form's first run, and a run after an unhappy path, append to the applied events: the states are kept.
        Assert.True(loopRunsKept > 0, "no run of the form kept the states");
    }

    [Fact]
    public async Task A_conversation_built_for_a_shorter_lookback_or_another_domain_is_built_again()
    {
        var script = Script(5);
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("s", script);
        var one = await conversation.SessionStates(Domain, 1);
        Assert.Same(one, await conversation.SessionStates(Domain, 1));
        var longer = await conversation.SessionStates(Domain, 5);
        Assert.NotSame(one, longer);
        Assert.Equal(5, longer.Lookback);
        Assert.Same(longer, await conversation.SessionStates(Domain, 3));
        var other = TrainingDataReader.FromPaths([Path.Combine(ExampleProject.Directory, "domain.yml")]).Domain;
        Assert.NotSame(longer, await conversation.SessionStates(other, 5));
    }

    [Fact]
    public async Task The_latest_applied_user_message_skips_a_rewound_one()
    {
        var conversation = Switchboard.Bot.Tracking.Conversation.FromEvents("s", []);
        var first = new UserUttered("hi", new Switchboard.Bot.Nlu.ParseResult("hi", new Switchboard.Bot.Nlu.IntentScore("greet", 1), [], [])) { Timestamp = 1 };
        var second = new UserUttered("bye", new Switchboard.Bot.Nlu.ParseResult("bye", new Switchboard.Bot.Nlu.IntentScore("goodbye", 1), [], [])) { Timestamp = 3 };
        await conversation.Log(new ActionExecuted(DefaultNames.ActionListen) { Timestamp = 0.5 });
        await conversation.Log(first);
        await conversation.Log(new ActionExecuted(DefaultNames.ActionListen) { Timestamp = 2 });
        await conversation.SessionStates(Domain, 1);
        await conversation.Log(second);
        Assert.Same(second, await conversation.LatestAppliedUserMessage());
        await conversation.Log(new UserUtteranceReverted { Timestamp = 4 });
        Assert.Same(first, await conversation.LatestAppliedUserMessage());
        conversation.Release();
        Assert.Equal("hi", (await conversation.LatestAppliedUserMessage())?.Text);
    }

    private static void AssertSameAsFromScratch(List<TrackerEvent> events, SessionStates kept, int lookback)
    {
        var tracker = DialogueTracker.FromEvents("s", events);
        var applied = AppliedEvents.Of(events.Skip((int)tracker.ResetIndex).ToList());
        var all = DialogueStates.Of(Domain, applied).Select(s => s.State).ToList();
        var recent = kept.Recent(lookback);
        Assert.Equal(all.Count, recent.Count);
        for (var i = Math.Max(0, all.Count - lookback); i < all.Count; i++)
        {
            Assert.Equal(Describe(all[i]), Describe(recent[i]));
        }

        // Records made again from the compact session are new objects: the timestamps tell events apart.
        Assert.Equal(applied.OfType<UserUttered>().LastOrDefault()?.Timestamp, kept.LatestUser?.Timestamp);
        Assert.Equal(applied.Count > 0 ? applied[^1].Timestamp : null, kept.Latest?.Timestamp);
        var fromScratch = ExampleProject.Model.Ensemble!.Predict(Domain, tracker, applied);
        var fromKept = ExampleProject.Model.Ensemble!.Predict(Domain, tracker, kept);
        Assert.Equal(fromScratch.Action, fromKept.Action);
        Assert.Equal(fromScratch.Confidence, fromKept.Confidence, 9);
    }

    private static string Describe(DialogueState s) => s.Key(_ => true) + "|" + s.AfterUser + "|" + s.Text;
}
