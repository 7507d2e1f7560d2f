using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Switchboard.Bot.Domain;

/// <summary>
/// A YAML parser that refuses what would hurt the process before a node exists: nesting deeper than
/// <see cref="MaxDepth"/> (the representation model is built recursively, so 100,000 levels overflow the stack
/// and end the process) and aliases that would expand to more than <see cref="MaxAliasNodes"/> nodes in total
/// (a kilobyte of nested anchors, "billion laughs", expands to billions of nodes for whatever walks the tree).
/// The events themselves are produced without recursion.
/// </summary>
public sealed class BoundedYamlParser(IParser inner) : IParser
{
    /// <summary>Deepest nesting of mappings and lists: a Rasa file needs about ten levels; the same as System.Text.Json's default.</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes all aliases together may stand for; plain nodes are bounded by the text's size instead.</summary>
    public const long MaxAliasNodes = 10_000;

    // Per open mapping or list: the nodes under it so far (counting aliases expanded) and its anchor.
    private readonly Stack<(long Nodes, AnchorName Anchor)> open = new();
    private readonly Dictionary<AnchorName, long> anchored = [];
    private long aliasNodes;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        switch (inner.Current)
        {
            case MappingStart or SequenceStart:
                if (open.Count >= MaxDepth)
                {
                    throw new YamlException(inner.Current.Start, inner.Current.End, $"the YAML is nested more than {MaxDepth} levels deep");
                }

                open.Push((1, ((NodeEvent)inner.Current).Anchor));
                break;
            case MappingEnd or SequenceEnd:
                var (nodes, anchor) = open.Pop();
                Complete(nodes, anchor);
                break;
            case Scalar scalar:
                Complete(1, scalar.Anchor);
                break;
            case AnchorAlias alias:
                // An unknown alias is the inner parser's error to report; it counts as one node here.
                var expanded = anchored.GetValueOrDefault(alias.Value, 1);
                aliasNodes += expanded;
                if (aliasNodes > MaxAliasNodes)
                {
                    throw new YamlException(alias.Start, alias.End, $"the YAML's aliases expand to more than {MaxAliasNodes} nodes");
                }

                AddToParent(expanded);
                break;
        }

        return true;
    }

    private void Complete(long nodes, AnchorName anchor)
    {
        if (!anchor.IsEmpty)
        {
            anchored[anchor] = nodes;
        }

        AddToParent(nodes);
    }

    private void AddToParent(long nodes)
    {
        if (open.TryPop(out var parent))
        {
            open.Push((parent.Nodes + nodes, parent.Anchor));
        }
    }
}
