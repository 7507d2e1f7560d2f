using Switchboard.ApiGateway.Centrifugo.Protocol;

namespace Switchboard.ApiGateway.Centrifugo.Node;

/// <summary>One publication of a channel on its way to the channel's subscribers: its stream position and its push.</summary>
public readonly record struct PublicationFrame(long Offset, string Epoch, PushFrame Frame);
