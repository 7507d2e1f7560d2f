namespace Switchboard.Bot.Domain;

public enum SlotType
{
    Text,
    Bool,
    Categorical,
    Float,
    List,
    Any,
}
