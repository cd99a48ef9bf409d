namespace Shopfloor.Validation;

/// <summary>Names of the rules a <see cref="Violation"/> can report.</summary>
public static class RuleNames
{
    public const string Required = "required";
    public const string BsonType = "bsonType";
    public const string MinLength = "minLength";
    public const string MaxLength = "maxLength";
    public const string Pattern = "pattern";
    public const string Enum = "enum";
    public const string Minimum = "minimum";
    public const string Maximum = "maximum";
    public const string ExclusiveMinimum = "exclusiveMinimum";
    public const string MinItems = "minItems";
    public const string UniqueItems = "uniqueItems";
    public const string Encrypted = "encrypted";
    /// <summary>Cross-field: a date must not come before another.</summary>
    public const string DateOrder = "dateOrder";
    /// <summary>Cross-field: ids of nested items must be unique.</summary>
    public const string UniqueIds = "uniqueIds";
    /// <summary>Cross-field: department _id, name and code must be one of the five known triples.</summary>
    public const string KnownDepartment = "knownDepartment";
    /// <summary>Cross-document: a field the department makes mandatory is missing.</summary>
    public const string MandatoryField = "mandatoryField";
    /// <summary>Cross-document: the department requires a GPS location.</summary>
    public const string GpsRequired = "gpsRequired";
    /// <summary>Cross-document: the photo does not belong to the project it names.</summary>
    public const string ProjectReference = "projectReference";
}
