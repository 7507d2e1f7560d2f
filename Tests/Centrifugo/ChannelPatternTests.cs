using Switchboard.ApiGateway.Centrifugo.Api;

namespace Switchboard.Tests.Centrifugo;

/// <summary>The <c>channels</c> method's pattern: <c>*</c>, <c>?</c>, <c>\</c> escapes, everything else literal.</summary>
public sealed class ChannelPatternTests
{
    [Theory]
    [InlineData("", "anything", true)]
    [InlineData("chat:*", "chat:room", true)]
    [InlineData("chat:*", "chat:", true)]
    [InlineData("chat:*", "news:room", false)]
    [InlineData("*:room", "chat:room", true)]
    [InlineData("c?at:*", "chat:x", true)]
    [InlineData("c?at:*", "cat:x", false)]
    [InlineData("*a*b", "xaxxbxb", true)]
    [InlineData("*a*b", "xaxxbxa", false)]
    [InlineData("room", "room", true)]
    [InlineData("room", "rooms", false)]
    [InlineData("room*", "roo", false)]
    [InlineData(@"\*", "*", true)]
    [InlineData(@"\*", "x", false)]
    [InlineData(@"a\?", "a?", true)]
    [InlineData(@"a\?", "ab", false)]
    [InlineData("**", "", true)]
    public void Matches(string pattern, string channel, bool expected) => Assert.Equal(expected, ChannelPattern.Matches(pattern, channel));
}
