"""The post's DCGAN ("original"), the book's narrower one, candidate fixes and the conditional networks.

The original follows the TensorFlow DCGAN tutorial at 64 px: the generator lifts 100-d
noise with ``Dense(4*4*1024)`` and doubles the image with 5x5 ``Conv2DTranspose`` layers of
512, 256 and 128 channels (batch norm, LeakyReLU 0.2, no biases, N(0, 0.02) weights) and a
final tanh layer to 3 channels (about 18.9M weights); the discriminator is three 5x5 stride-2
convolutions of 64, 128 and 256 channels with LeakyReLU 0.2 and dropout 0.3 and one logit
(about 1.05M weights at 64 px). The book's configuration has the same shape with 4x4 kernels,
a generator of 128-64-32 channels and a discriminator of 32-64-128 at 32 px.

Candidate fixes for mode collapse are named configurations that change one thing each:
``"book_spectral"`` (spectral normalisation of the discriminator, replacing its batch norm;
the fix chapter 5 shows), ``"book_ttur"`` (generator 1e-4, discriminator 4e-4),
``"book_diffaugment"`` (random shifts and colour changes of every image the discriminator
sees), ``"book_packed"`` and ``"book_minibatch_std"``. ``conditional_config`` sets the
conditional GAN's options: the weight of the generator's attribute loss, the attributes at
every generator layer, and a projection discriminator.

For another image size the generator keeps its last width and adds or drops doubling layers
(each one twice as wide as the next), so ``size`` only changes how many times it doubles.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import keras
from keras import layers

from helpers.checks import check_bool, check_choice, check_float, check_int
from helpers.gan.ellipses import check_image_size

NOISE_DIM = 100


@dataclass(frozen=True)
class DcganConfig:
    """Every setting of one DCGAN: networks, loss and optimiser (see the module docstring)."""

    name: str
    generator_last_width: int  # channels of the last hidden Conv2DTranspose
    discriminator_widths: tuple[int, ...]
    kernel: int
    noise_dim: int = NOISE_DIM
    dropout: float = 0.3
    leaky_slope: float = 0.2
    real_target: float = 0.9  # one-sided label smoothing
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    batch_size: int = 128
    pack: int = 1  # PacGAN: the discriminator judges `pack` images at once
    minibatch_std: bool = False  # the discriminator also sees how much the batch varies (Karras et al. 2018)
    class_weight: float = 1.0  # conditional GANs: weight of the generator's attribute loss
    condition_every_layer: bool = False  # conditional GANs: the attributes also enter every generator layer
    projection: bool = False  # conditional GANs: the discriminator also sees the attributes (Miyato & Koyama 2018)
    discriminator_learning_rate: float | None = None  # two time-scales (TTUR, Heusel et al. 2017); None: same
    spectral_norm: bool = False  # the discriminator's layers spectrally normalised (Miyato et al. 2018)
    augment: tuple[str, ...] = ()  # DiffAugment (Zhao et al. 2020): "translation", "color" on every image D sees
    size: int = 32  # the image size the configuration was designed for

    def generator_widths(self, size: int) -> tuple[int, ...]:
        """Channels of the dense start and each hidden doubling layer for ``size`` px images."""
        doublings = size.bit_length() - 1 - 2  # 4 px -> size px
        return tuple(self.generator_last_width * 2**k for k in range(doublings - 1, -1, -1))


CONFIGS: dict[str, DcganConfig] = {
    "original": DcganConfig(
        "original", generator_last_width=128, discriminator_widths=(64, 128, 256), kernel=5, size=64
    ),
    "book": DcganConfig("book", generator_last_width=32, discriminator_widths=(32, 64, 128), kernel=4, size=32),
}
#: Candidate fixes for mode collapse: a discriminator that sees pairs (PacGAN2), or the batch's spread.
CONFIGS["book_packed"] = replace(CONFIGS["book"], name="book_packed", pack=2)
CONFIGS["book_minibatch_std"] = replace(CONFIGS["book"], name="book_minibatch_std", minibatch_std=True)
CONFIGS["book_ttur"] = replace(CONFIGS["book"], name="book_ttur", learning_rate=1e-4, discriminator_learning_rate=4e-4)
CONFIGS["book_spectral"] = replace(CONFIGS["book"], name="book_spectral", spectral_norm=True)
CONFIGS["book_diffaugment"] = replace(CONFIGS["book"], name="book_diffaugment", augment=("translation", "color"))

#: What the page calls each configuration (tables and plots show words, not code names).
DISPLAY_NAMES: dict[str, str] = {
    "original": "the post's DCGAN",
    "book": "plain DCGAN",
    "book_packed": "packed discriminator",
    "book_minibatch_std": "minibatch standard deviation",
    "book_ttur": "two learning rates (TTUR)",
    "book_spectral": "spectral normalisation",
    "book_diffaugment": "DiffAugment",
}


def display_name(config: str | DcganConfig) -> str:
    """The words the page uses for a configuration (its name, spaced, if it has none)."""
    name = config.name if isinstance(config, DcganConfig) else str(config)
    return DISPLAY_NAMES.get(name, name.replace("_", " "))


AUGMENTATIONS = ("translation", "color")


@keras.saving.register_keras_serializable(package="twoplustwo")
class MinibatchStd(layers.Layer):
    """Appends one channel: the standard deviation over the batch of every feature, averaged.

    A generator that draws the same image for every noise gives a batch with no spread, which
    real batches never have; with this channel the discriminator can see that (Karras et al.,
    "Progressive Growing of GANs", 2018).
    """

    def call(self, inputs):
        from keras import ops

        spread = ops.sqrt(ops.var(inputs, axis=0) + 1e-8)
        value = ops.mean(spread)
        shape = ops.shape(inputs)
        channel = ops.ones((shape[0], shape[1], shape[2], 1), dtype=inputs.dtype) * value
        return ops.concatenate([inputs, channel], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)


def get_config(config: str | DcganConfig) -> DcganConfig:
    """A configuration by name (``"original"``, ``"book"``, ``"book_packed"``) or as given."""
    if isinstance(config, DcganConfig):
        unknown = sorted(set(config.augment) - set(AUGMENTATIONS))
        if unknown:
            raise ValueError(f"config.augment must hold only {AUGMENTATIONS}, got {unknown}")
        return config
    return CONFIGS[check_choice("config", config, tuple(CONFIGS))]


def _init() -> keras.initializers.Initializer:
    return keras.initializers.RandomNormal(0.0, 0.02)


def build_generator(
    size: int = 32, config: str | DcganConfig = "book", condition_dim: int = 0, name: str = "generator"
) -> keras.Model:
    """The generator: noise (and, if ``condition_dim``, one-hot attributes) -> image in [-1, 1]."""
    size = check_image_size(size)
    config = get_config(config)
    condition_dim = check_int("condition_dim", condition_dim, minimum=0)
    widths = config.generator_widths(size)
    noise = keras.Input((config.noise_dim,), name="noise")
    inputs = [noise]
    x = noise
    if condition_dim:
        condition = keras.Input((condition_dim,), name="attributes")
        inputs.append(condition)
        x = layers.Concatenate()([noise, condition])
    x = layers.Dense(4 * 4 * widths[0], use_bias=False, kernel_initializer=_init())(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(config.leaky_slope)(x)
    x = layers.Reshape((4, 4, widths[0]))(x)
    side = 4
    for width in widths[1:]:
        if condition_dim and config.condition_every_layer:
            x = _with_condition(x, condition, side)
        side *= 2
        x = layers.Conv2DTranspose(
            width, config.kernel, strides=2, padding="same", use_bias=False, kernel_initializer=_init()
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(config.leaky_slope)(x)
    if condition_dim and config.condition_every_layer:
        x = _with_condition(x, condition, side)
    image = layers.Conv2DTranspose(
        3, config.kernel, strides=2, padding="same", activation="tanh", kernel_initializer=_init(), name="image"
    )(x)
    return keras.Model(inputs if condition_dim else noise, image, name=name)


def _with_condition(x, condition, side: int):
    """``x`` with the one-hot attributes appended as constant channels (every pixel sees them)."""
    planes = layers.Reshape((1, 1, condition.shape[-1]))(condition)
    planes = layers.UpSampling2D(side)(planes)
    return layers.Concatenate()([x, planes])


def build_discriminator(
    size: int = 32, config: str | DcganConfig = "book", class_counts: tuple[int, ...] = (), name: str = "discriminator"
) -> keras.Model:
    """The discriminator: image (``pack`` images stacked on channels) -> real/fake logit.

    With ``class_counts`` (one entry per attribute) it also predicts each attribute from the
    image (the auxiliary classifier of an AC-GAN), one block of logits per attribute.
    """
    size = check_image_size(size)
    config = get_config(config)
    image = keras.Input((size, size, 3 * config.pack), name="image")
    x = image
    for index, width in enumerate(config.discriminator_widths):
        if config.minibatch_std and index == len(config.discriminator_widths) - 1:
            x = MinibatchStd()(x)
        convolution = layers.Conv2D(width, config.kernel, strides=2, padding="same", kernel_initializer=_init())
        x = (layers.SpectralNormalization(convolution) if config.spectral_norm else convolution)(x)
        if index > 0 and not config.spectral_norm:  # spectral normalisation replaces batch norm
            x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(config.leaky_slope)(x)
        x = layers.Dropout(config.dropout)(x)
    features = layers.Flatten()(x)
    dense = layers.Dense(1, name="real_logit")
    logit = (layers.SpectralNormalization(dense, name="real_logit_sn") if config.spectral_norm else dense)(features)
    if not class_counts:
        return keras.Model(image, logit, name=name)
    classes = layers.Dense(int(sum(class_counts)), name="attribute_logits")(features)
    if not config.projection:
        return keras.Model(image, [logit, classes], name=name)
    # Projection: "real" also depends on whether the image fits its attributes, an inner
    # product between the image's features and an embedding of the attributes.
    attributes = keras.Input((int(sum(class_counts)),), name="attributes")
    embedded = layers.Dense(features.shape[-1], use_bias=False, name="attribute_embedding")(attributes)
    fit = layers.Dot(axes=1, name="projection")([features, embedded])
    logit = layers.Add(name="conditional_logit")([logit, fit])
    return keras.Model([image, attributes], [logit, classes], name=name)


def build_dcgan(size: int = 32, config: str | DcganConfig = "book") -> tuple[keras.Model, keras.Model]:
    """``(generator, discriminator)`` for ``size`` px images with a named configuration."""
    return build_generator(size, config), build_discriminator(size, config)


def conditional_config(
    config: str | DcganConfig = "book",
    class_weight: float = 1.0,
    condition_every_layer: bool = False,
    projection: bool = False,
) -> DcganConfig:
    """``config`` for a conditional generator: the weight of its attribute loss and where the attributes enter.

    ``class_weight`` 1 and ``condition_every_layer=False`` is the plain AC-GAN (attributes
    concatenated to the noise only); a larger weight pushes the generator harder towards
    faces the discriminator's classifier recognises, and conditioning every layer hands the
    attributes to each upsampling step instead of asking the first dense layer to carry them.
    ``projection`` lets the discriminator see the attributes too (a projection discriminator):
    a face that does not fit its attributes can then be called fake.
    """
    config = get_config(config)
    class_weight = check_float("class_weight", class_weight, minimum=0.0)
    condition_every_layer = check_bool("condition_every_layer", condition_every_layer)
    projection = check_bool("projection", projection)
    return replace(
        config,
        name=f"{config.name}_conditional",
        class_weight=class_weight,
        condition_every_layer=condition_every_layer,
        projection=projection,
    )
