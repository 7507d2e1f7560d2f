namespace Switchboard.Bot.Domain;

public enum SlotMappingType
{
    FromEntity,
    FromText,
    FromIntent,
    FromTriggerIntent,
    Custom,
}
