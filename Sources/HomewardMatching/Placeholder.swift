public enum HomewardMatchingPlaceholder {}
