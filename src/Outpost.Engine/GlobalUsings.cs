global using Outpost.Bson.Serialization;
