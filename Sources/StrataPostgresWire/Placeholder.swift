public enum StrataPostgresWirePlaceholder {}
