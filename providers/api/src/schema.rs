//! Schemas: what attributes and nested blocks a provider, resource or data
//! source has, and how each behaves.

use std::collections::BTreeMap;
use terrane_value::Type;

/// Schemas of everything a provider offers.
#[derive(Debug, Clone, Default)]
pub struct ProviderSchema {
    /// The `provider` block.
    pub provider: Schema,
    /// Managed resource types by name.
    pub resources: BTreeMap<String, Schema>,
    /// Data source types by name.
    pub data_sources: BTreeMap<String, Schema>,
    /// Provider-defined functions by name.
    pub functions: BTreeMap<String, FunctionSignature>,
}

/// The schema of one block type, with its version (for state upgrades).
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// Schema version recorded in state as `schema_version`.
    pub version: u64,
    /// The top-level block.
    pub block: Block,
}

/// A block: attributes and nested blocks.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Attributes by name.
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested block types by name.
    pub blocks: BTreeMap<String, NestedBlock>,
    /// Documentation.
    pub description: String,
    /// Deprecated blocks warn when used.
    pub deprecated: bool,
}

/// One attribute.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// Its type.
    pub ty: Type,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// The provider may compute it (when optional: if unset).
    pub computed: bool,
    /// Never shown in plans or output.
    pub sensitive: bool,
    /// Changing it replaces the object.
    pub force_new: bool,
    /// Documentation.
    pub description: String,
    /// Deprecated attributes warn when set.
    pub deprecated: bool,
}

impl Attribute {
    /// A required attribute.
    pub fn required(ty: Type) -> Self {
        Self::base(ty, true, false, false)
    }

    /// An optional attribute.
    pub fn optional(ty: Type) -> Self {
        Self::base(ty, false, true, false)
    }

    /// An optional attribute the provider computes when unset.
    pub fn optional_computed(ty: Type) -> Self {
        Self::base(ty, false, true, true)
    }

    /// A computed-only attribute.
    pub fn computed(ty: Type) -> Self {
        Self::base(ty, false, false, true)
    }

    fn base(ty: Type, required: bool, optional: bool, computed: bool) -> Self {
        Attribute {
            ty,
            required,
            optional,
            computed,
            sensitive: false,
            force_new: false,
            description: String::new(),
            deprecated: false,
        }
    }

    /// Marks the attribute as forcing replacement when changed.
    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }

    /// Marks the attribute as sensitive.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Sets the documentation.
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; null when absent.
    Single,
    /// Exactly one; absent means all-default (never null).
    Group,
    /// An ordered list of blocks.
    List,
    /// A set of blocks.
    Set,
    /// Blocks with one label, as a map by label.
    Map,
}

/// A nested block type.
#[derive(Debug, Clone)]
pub struct NestedBlock {
    /// How it repeats.
    pub nesting: Nesting,
    /// Its content.
    pub block: Block,
    /// Fewest blocks allowed (list/set).
    pub min_items: u64,
    /// Most blocks allowed (list/set); 0 means no limit.
    pub max_items: u64,
    /// Changing it replaces the object.
    pub force_new: bool,
    /// Terraform's "attributes as blocks" mode (the SDK's
    /// `SchemaConfigModeAttr`, list and set nesting only): besides block
    /// syntax, the configuration may assign the whole collection as an
    /// argument (`ingress = []`, `route = [for ...]`), where every
    /// attribute of each object must be given. Writing neither leaves the
    /// configuration value null, which means "keep what exists" (the
    /// collection is optional and computed), while `= []` means "none".
    pub as_attribute: bool,
}

impl NestedBlock {
    /// A nested block with the given nesting and no item limits.
    pub fn new(nesting: Nesting, block: Block) -> Self {
        NestedBlock {
            nesting,
            block,
            min_items: 0,
            max_items: 0,
            force_new: false,
            as_attribute: false,
        }
    }

    /// The same block type in "attributes as blocks" mode
    /// ([`NestedBlock::as_attribute`]).
    pub fn attribute_syntax(mut self) -> Self {
        self.as_attribute = true;
        self
    }

    /// The type of this block type's whole value: a list, set or map of
    /// the block's object type, or the object itself for single blocks
    /// (what an attributes-as-blocks argument converts to).
    pub fn collection_type(&self) -> Type {
        let inner = self.block.implied_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => inner,
            Nesting::List => Type::list(inner),
            Nesting::Set => Type::set(inner),
            Nesting::Map => Type::map(inner),
        }
    }
}

impl Block {
    /// The object type that values of this block have: one attribute per
    /// attribute and per nested block type (lists, sets and maps of objects
    /// for repeated blocks).
    pub fn implied_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for (name, a) in &self.attributes {
            attrs.insert(name.clone(), a.ty.clone());
        }
        for (name, b) in &self.blocks {
            let inner = b.block.implied_type();
            let t = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            attrs.insert(name.clone(), t);
        }
        Type::object(attrs)
    }

    /// Adds an attribute (builder style).
    pub fn attr(mut self, name: &str, a: Attribute) -> Self {
        self.attributes.insert(name.to_string(), a);
        self
    }

    /// Adds a nested block type (builder style).
    pub fn block(mut self, name: &str, b: NestedBlock) -> Self {
        self.blocks.insert(name.to_string(), b);
        self
    }
}

/// The signature of a provider-defined function.
#[derive(Debug, Clone)]
pub struct FunctionSignature {
    /// Parameter names and types.
    pub params: Vec<(String, Type)>,
    /// Type of the variadic parameter, if any.
    pub variadic: Option<(String, Type)>,
    /// Result type.
    pub result: Type,
    /// Documentation.
    pub description: String,
}
