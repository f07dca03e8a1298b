"""The seed scenes, verbatim: the naive anchor of the benchmark's per-scene rows.

Each class is the code of a seed skill (its ```python blocks, in order) as an author would run it
through Manim's CLI. Kept here so that the benchmark runs where the seeds are not at hand (CI, a
user's clone). Not part of the package: never imported by gradviz.
"""

# ruff: noqa: B007, B905, E402, F403, F405, F811, I001 (verbatim seed code: star imports, two files in one)
# --- from seed 000_90b37ce57c0df324.txt ---
from manim import *
import numpy as np

class GradientDescent2D(Scene):
    def construct(self):
        # Create axes
        axes = Axes(
            x_range=[-3, 3, 1],
            y_range=[-1, 5, 1],
            x_length=8,
            y_length=5,
            axis_config={"include_tip": True}
        )

        # Loss function (parabola)
        loss_curve = axes.plot(lambda x: x**2, color=BLUE)

        # Labels
        x_label = MathTex("w").next_to(axes.x_axis, RIGHT)
        y_label = MathTex("L(w)").next_to(axes.y_axis, UP)

        self.play(Create(axes), Write(x_label), Write(y_label))
        self.play(Create(loss_curve))
        self.wait()

        # Starting point
        x_val = 2.5
        learning_rate = 0.3

        point = Dot(axes.c2p(x_val, x_val**2), color=YELLOW, radius=0.1)
        point_label = MathTex(f"w = {x_val:.2f}").next_to(point, UR, buff=0.1)
        point_label.scale(0.7)

        self.play(GrowFromCenter(point), Write(point_label))
        self.wait()

        # Gradient descent steps
        for step in range(8):
            # Calculate gradient
            gradient = 2 * x_val  # d/dx(x^2) = 2x

            # Show gradient arrow
            grad_arrow = Arrow(
                axes.c2p(x_val, x_val**2),
                axes.c2p(x_val + 0.5 * np.sign(gradient), x_val**2),
                color=RED,
                buff=0
            )
            grad_label = MathTex(r"\nabla L", color=RED, font_size=24)
            grad_label.next_to(grad_arrow, UP, buff=0.1)

            self.play(GrowArrow(grad_arrow), Write(grad_label), run_time=0.5)

            # Update x
            new_x = x_val - learning_rate * gradient

            # Move point
            new_point_pos = axes.c2p(new_x, new_x**2)
            new_label = MathTex(f"w = {new_x:.2f}").next_to(new_point_pos, UR, buff=0.1)
            new_label.scale(0.7)

            self.play(
                point.animate.move_to(new_point_pos),
                Transform(point_label, new_label),
                FadeOut(grad_arrow),
                FadeOut(grad_label),
                run_time=0.6
            )

            x_val = new_x

            if abs(gradient) < 0.1:
                break

        self.wait()

        # Final annotation
        minimum = MathTex(r"\text{Minimum: } w^* = 0", color=GREEN)
        minimum.to_edge(DOWN)
        self.play(Write(minimum))
        self.wait()

class GradientVectorField(Scene):
    def construct(self):
        # 2D loss surface as contour plot
        def loss_function(x, y):
            return x**2 + y**2

        # Create vector field showing gradient direction
        vector_field = ArrowVectorField(
            lambda p: -np.array([2*p[0], 2*p[1], 0]),  # Negative gradient
            x_range=[-3, 3, 0.5],
            y_range=[-3, 3, 0.5],
            length_func=lambda norm: 0.3 * sigmoid(norm)
        )

        # Contour lines
        contours = VGroup()
        for r in [0.5, 1, 1.5, 2, 2.5]:
            circle = Circle(radius=r, stroke_color=BLUE, stroke_opacity=0.5)
            contours.add(circle)

        self.play(Create(contours))
        self.play(Create(vector_field), run_time=2)
        self.wait()

        # Trace gradient descent path
        path_points = []
        x, y = 2.5, 2.0
        lr = 0.1

        for _ in range(30):
            path_points.append([x, y, 0])
            grad_x, grad_y = 2*x, 2*y
            x -= lr * grad_x
            y -= lr * grad_y

        path = VMobject()
        path.set_points_smoothly([np.array(p) for p in path_points])
        path.set_stroke(YELLOW, width=3)

        self.play(Create(path), run_time=2)

        # Final point
        final_dot = Dot(path_points[-1], color=GREEN, radius=0.15)
        self.play(GrowFromCenter(final_dot))
        self.wait()

class LearningRateComparison(Scene):
    def construct(self):
        # Create three side-by-side demonstrations
        learning_rates = [0.01, 0.1, 0.5]
        colors = [RED, GREEN, BLUE]
        labels = ["Too Small", "Just Right", "Too Large"]

        axes_group = VGroup()
        for i, (lr, color, label) in enumerate(zip(learning_rates, colors, labels)):
            ax = Axes(
                x_range=[-2, 2, 1],
                y_range=[0, 4, 1],
                x_length=3,
                y_length=2.5
            )
            curve = ax.plot(lambda x: x**2, color=WHITE, stroke_width=2)

            title = Text(f"lr = {lr}", font_size=20)
            title.next_to(ax, UP, buff=0.2)

            subtitle = Text(label, font_size=16, color=color)
            subtitle.next_to(title, DOWN, buff=0.1)

            group = VGroup(ax, curve, title, subtitle)
            axes_group.add(group)

        axes_group.arrange(RIGHT, buff=0.8)
        self.play(Create(axes_group), run_time=2)
        self.wait()

        # Animate gradient descent for each
        for i, (lr, ax_group) in enumerate(zip(learning_rates, axes_group)):
            ax = ax_group[0]
            x_val = 1.8
            point = Dot(ax.c2p(x_val, x_val**2), color=YELLOW, radius=0.08)
            self.add(point)

            for _ in range(15):
                gradient = 2 * x_val
                new_x = x_val - lr * gradient

                # Clamp for visualization
                new_x = max(-2, min(2, new_x))

                new_pos = ax.c2p(new_x, new_x**2)
                self.play(point.animate.move_to(new_pos), run_time=0.15)

                x_val = new_x

        self.wait()

def visualize_gradient_magnitude(scene, network, gradients):
    """Color neurons and connections based on gradient magnitude"""

    max_grad = max(abs(g) for layer_grads in gradients for g in layer_grads)

    for layer_idx, layer_grads in enumerate(gradients):
        for neuron_idx, grad in enumerate(layer_grads):
            neuron = network.layers[layer_idx].neurons[neuron_idx]

            # Color based on gradient magnitude
            normalized = abs(grad) / max_grad
            color = interpolate_color("#1e3a5f", "#ff6b6b", normalized)

            scene.play(
                neuron.animate.set_stroke(color, width=2 + normalized * 4),
                run_time=0.2
            )

# --- from seed 001_1d6b4bfa19b7e58b.txt ---
from manim import *
import numpy as np

class WeightUpdateDemo(Scene):
    def construct(self):
        # Connection between two neurons
        n1 = Circle(radius=0.4, fill_color=BLUE, fill_opacity=0.7)
        n1.shift(LEFT * 2)

        n2 = Circle(radius=0.4, fill_color=GREEN, fill_opacity=0.7)
        n2.shift(RIGHT * 2)

        connection = Line(
            n1.get_right(), n2.get_left(),
            stroke_width=4, color=WHITE
        )

        # Weight value
        weight_value = ValueTracker(0.5)

        weight_label = always_redraw(lambda: MathTex(
            f"w = {weight_value.get_value():.3f}",
            font_size=32
        ).next_to(connection, UP))

        self.play(
            GrowFromCenter(n1),
            GrowFromCenter(n2),
            Create(connection),
            Write(weight_label)
        )
        self.wait()

        # Show update equation
        equation = MathTex(
            r"w_{\text{new}} = w_{\text{old}} - \eta \cdot \frac{\partial L}{\partial w}",
            font_size=32
        )
        equation.to_edge(DOWN, buff=1)
        self.play(Write(equation))
        self.wait()

        # Simulate updates
        learning_rate = 0.1
        gradients = [0.3, 0.2, 0.15, 0.08, 0.03, 0.01]

        for i, grad in enumerate(gradients):
            # Show gradient
            grad_text = MathTex(
                f"\\nabla w = {grad:.2f}",
                font_size=24,
                color=RED
            )
            grad_text.next_to(connection, DOWN, buff=0.3)

            # Calculate new weight
            old_w = weight_value.get_value()
            new_w = old_w - learning_rate * grad

            # Animate connection color based on gradient
            self.play(
                Write(grad_text),
                connection.animate.set_color(
                    interpolate_color(WHITE, RED, min(grad * 3, 1))
                ),
                run_time=0.4
            )

            # Update weight with smooth animation
            self.play(
                weight_value.animate.set_value(new_w),
                run_time=0.5
            )

            # Reset connection color
            self.play(
                FadeOut(grad_text),
                connection.animate.set_color(WHITE),
                run_time=0.3
            )

        self.wait()

        # Final state indicator
        converged = Text("Converged!", font_size=32, color=GREEN)
        converged.next_to(equation, UP)
        self.play(Write(converged))
        self.wait()

class BatchWeightUpdate(Scene):
    def construct(self):
        # Create mini network
        network = self.create_simple_network()
        network.scale(0.7).to_edge(UP, buff=1)
        self.add(network)

        # Training samples
        samples = VGroup()
        for i in range(4):
            sample = Square(side_length=0.5, fill_color=BLUE, fill_opacity=0.6)
            sample_label = MathTex(f"x_{i+1}", font_size=16).move_to(sample)
            samples.add(VGroup(sample, sample_label))

        samples.arrange(RIGHT, buff=0.3)
        samples.shift(DOWN * 1.5)

        self.play(Create(samples))
        self.wait()

        # Process each sample and accumulate gradients
        gradient_arrows = VGroup()

        for i, sample in enumerate(samples):
            # Highlight current sample
            self.play(sample.animate.set_fill(YELLOW, opacity=0.8), run_time=0.3)

            # Show forward pass (simplified)
            pulse = Dot(color=YELLOW, radius=0.1)
            pulse.move_to(network.get_left())
            self.add(pulse)
            self.play(
                pulse.animate.move_to(network.get_right()),
                run_time=0.5
            )
            self.remove(pulse)

            # Accumulate gradient (show arrow growing)
            grad_arrow = Arrow(
                DOWN * 2.5, DOWN * 2.5 + DOWN * 0.3 * (i + 1),
                color=RED, buff=0
            )
            gradient_arrows.add(grad_arrow)

            self.play(
                sample.animate.set_fill(BLUE, opacity=0.6),
                Transform(
                    gradient_arrows,
                    Arrow(DOWN * 2.5, DOWN * 2.5 + DOWN * 0.3 * (i + 1), color=RED, buff=0)
                ),
                run_time=0.3
            )

        # Average gradients
        avg_label = MathTex(
            r"\nabla w = \frac{1}{n}\sum_i \nabla w_i",
            font_size=28
        ).shift(DOWN * 3.5)
        self.play(Write(avg_label))

        # Apply update
        update_arrow = Arrow(
            gradient_arrows.get_bottom(),
            network.get_bottom(),
            color=GREEN,
            stroke_width=4
        )
        update_label = Text("Update", font_size=20, color=GREEN)
        update_label.next_to(update_arrow, RIGHT)

        self.play(GrowArrow(update_arrow), Write(update_label))

        # Flash network to show update
        self.play(
            network.animate.set_stroke(GREEN, width=4),
            run_time=0.3
        )
        self.play(
            network.animate.set_stroke(WHITE, width=2),
            run_time=0.3
        )
        self.wait()

    def create_simple_network(self):
        layers = VGroup()
        for i in range(3):
            layer = VGroup(*[Circle(radius=0.2, fill_opacity=0.6) for _ in range(3)])
            layer.arrange(DOWN, buff=0.3)
            layers.add(layer)
        layers.arrange(RIGHT, buff=1)
        return layers

class WeightMatrixUpdate(Scene):
    def construct(self):
        # Weight matrix
        matrix_values = [[0.1, 0.3], [-0.2, 0.4], [0.5, -0.1]]
        matrix = Matrix(
            [[f"{v:.1f}" for v in row] for row in matrix_values],
            left_bracket="[",
            right_bracket="]"
        )

        matrix_label = MathTex("W =").next_to(matrix, LEFT)
        matrix_group = VGroup(matrix_label, matrix)
        matrix_group.to_edge(UP, buff=1)

        self.play(Write(matrix_group))
        self.wait()

        # Gradient matrix
        grad_values = [[0.05, -0.02], [0.01, 0.03], [-0.04, 0.02]]

        grad_matrix = Matrix(
            [[f"{v:.2f}" for v in row] for row in grad_values],
            left_bracket="[",
            right_bracket="]",
            element_to_mobject_config={"color": RED}
        )
        grad_label = MathTex(r"\nabla W =", color=RED).next_to(grad_matrix, LEFT)
        grad_group = VGroup(grad_label, grad_matrix)
        grad_group.next_to(matrix_group, DOWN, buff=0.8)

        self.play(Write(grad_group))
        self.wait()

        # Update equation
        eta = 0.1
        update_eq = MathTex(
            r"W_{\text{new}} = W - \eta \nabla W",
            font_size=36
        ).shift(DOWN)

        self.play(Write(update_eq))
        self.wait()

        # Calculate new matrix
        new_values = [
            [w - eta * g for w, g in zip(w_row, g_row)]
            for w_row, g_row in zip(matrix_values, grad_values)
        ]

        new_matrix = Matrix(
            [[f"{v:.2f}" for v in row] for row in new_values],
            left_bracket="[",
            right_bracket="]",
            element_to_mobject_config={"color": GREEN}
        )
        new_label = MathTex(r"W_{\text{new}} =", color=GREEN).next_to(new_matrix, LEFT)
        new_group = VGroup(new_label, new_matrix)
        new_group.next_to(update_eq, DOWN, buff=0.5)

        self.play(Write(new_group))
        self.wait()

        # Highlight changes
        for i in range(3):
            for j in range(2):
                old_entry = matrix.get_entries()[i * 2 + j]
                new_entry = new_matrix.get_entries()[i * 2 + j]

                self.play(
                    old_entry.animate.set_color(YELLOW),
                    new_entry.animate.set_color(YELLOW),
                    run_time=0.2
                )
                self.play(
                    old_entry.animate.set_color(WHITE),
                    new_entry.animate.set_color(GREEN),
                    run_time=0.2
                )

        self.wait()

