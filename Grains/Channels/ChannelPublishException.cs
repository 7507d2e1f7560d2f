namespace Switchboard.Channels;

/// <summary>A channel grain failed a publish sent in a shared batch; <see cref="Exception.Message"/> carries its failure.</summary>
public sealed class ChannelPublishException(string channel, string? failure)
    : Exception($"publishing to {channel} failed: {failure}");
